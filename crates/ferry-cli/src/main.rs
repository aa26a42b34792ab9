fn main() {
    let code = ferry_cli::run(std::env::args_os());
    std::process::exit(code);
}
