//! Import blocks laid out the way ruff's isort rules want them: standard library,
//! third party, then the project's own modules; in each group `import x` lines first,
//! then `from x import y`, both sorted by module.

/// Python 3.11's `sys.stdlib_module_names` (public ones).
const STDLIB: &[&str] = &[
    "abc",
    "aifc",
    "antigravity",
    "argparse",
    "array",
    "ast",
    "asynchat",
    "asyncio",
    "asyncore",
    "atexit",
    "audioop",
    "base64",
    "bdb",
    "binascii",
    "bisect",
    "builtins",
    "bz2",
    "cProfile",
    "calendar",
    "cgi",
    "cgitb",
    "chunk",
    "cmath",
    "cmd",
    "code",
    "codecs",
    "codeop",
    "collections",
    "colorsys",
    "compileall",
    "concurrent",
    "configparser",
    "contextlib",
    "contextvars",
    "copy",
    "copyreg",
    "crypt",
    "csv",
    "ctypes",
    "curses",
    "dataclasses",
    "datetime",
    "dbm",
    "decimal",
    "difflib",
    "dis",
    "distutils",
    "doctest",
    "email",
    "encodings",
    "ensurepip",
    "enum",
    "errno",
    "faulthandler",
    "fcntl",
    "filecmp",
    "fileinput",
    "fnmatch",
    "fractions",
    "ftplib",
    "functools",
    "gc",
    "genericpath",
    "getopt",
    "getpass",
    "gettext",
    "glob",
    "graphlib",
    "grp",
    "gzip",
    "hashlib",
    "heapq",
    "hmac",
    "html",
    "http",
    "idlelib",
    "imaplib",
    "imghdr",
    "imp",
    "importlib",
    "inspect",
    "io",
    "ipaddress",
    "itertools",
    "json",
    "keyword",
    "lib2to3",
    "linecache",
    "locale",
    "logging",
    "lzma",
    "mailbox",
    "mailcap",
    "marshal",
    "math",
    "mimetypes",
    "mmap",
    "modulefinder",
    "msilib",
    "msvcrt",
    "multiprocessing",
    "netrc",
    "nis",
    "nntplib",
    "nt",
    "ntpath",
    "nturl2path",
    "numbers",
    "opcode",
    "operator",
    "optparse",
    "os",
    "ossaudiodev",
    "pathlib",
    "pdb",
    "pickle",
    "pickletools",
    "pipes",
    "pkgutil",
    "platform",
    "plistlib",
    "poplib",
    "posix",
    "posixpath",
    "pprint",
    "profile",
    "pstats",
    "pty",
    "pwd",
    "py_compile",
    "pyclbr",
    "pydoc",
    "pydoc_data",
    "pyexpat",
    "queue",
    "quopri",
    "random",
    "re",
    "readline",
    "reprlib",
    "resource",
    "rlcompleter",
    "runpy",
    "sched",
    "secrets",
    "select",
    "selectors",
    "shelve",
    "shlex",
    "shutil",
    "signal",
    "site",
    "smtpd",
    "smtplib",
    "sndhdr",
    "socket",
    "socketserver",
    "spwd",
    "sqlite3",
    "sre_compile",
    "sre_constants",
    "sre_parse",
    "ssl",
    "stat",
    "statistics",
    "string",
    "stringprep",
    "struct",
    "subprocess",
    "sunau",
    "symtable",
    "sys",
    "sysconfig",
    "syslog",
    "tabnanny",
    "tarfile",
    "telnetlib",
    "tempfile",
    "termios",
    "textwrap",
    "this",
    "threading",
    "time",
    "timeit",
    "tkinter",
    "token",
    "tokenize",
    "tomllib",
    "trace",
    "traceback",
    "tracemalloc",
    "tty",
    "turtle",
    "turtledemo",
    "types",
    "typing",
    "unicodedata",
    "unittest",
    "urllib",
    "uu",
    "uuid",
    "venv",
    "warnings",
    "wave",
    "weakref",
    "webbrowser",
    "winreg",
    "winsound",
    "wsgiref",
    "xdrlib",
    "xml",
    "xmlrpc",
    "zipapp",
    "zipfile",
    "zipimport",
    "zlib",
    "zoneinfo",
];
const FIRST_PARTY: &[&str] = &["steps", "pipelines", "materializers"];

fn module(line: &str) -> &str {
    let rest = line
        .strip_prefix("from ")
        .or_else(|| line.strip_prefix("import "))
        .unwrap_or(line);
    rest.split([' ', '.']).next().unwrap_or(rest)
}

fn sort_key(line: &str) -> (bool, Vec<(u8, u64, String)>) {
    let is_from = line.starts_with("from ");
    let rest = line
        .strip_prefix("from ")
        .or_else(|| line.strip_prefix("import "))
        .unwrap_or(line);
    let module = rest.split(' ').next().unwrap_or(rest).to_lowercase();
    (is_from, crate::step_module::natural_key(&module))
}

/// isort's order-by-type: CONSTANTS, then Classes, then functions and variables.
fn member_key(name: &str) -> (u8, Vec<(u8, u64, String)>) {
    let bare = name.split(" as ").next().unwrap_or(name);
    let kind = if bare.len() > 1 && bare.chars().all(|c| !c.is_ascii_lowercase()) {
        0
    } else if bare.starts_with(|c: char| c.is_ascii_uppercase()) {
        1
    } else {
        2
    };
    (kind, crate::step_module::natural_key(&bare.to_lowercase()))
}

/// `from m import a` and `from m import b` become `from m import a, b`.
fn merge(lines: &[String]) -> Vec<String> {
    let mut merged: Vec<String> = Vec::new();
    let mut members: std::collections::BTreeMap<String, Vec<String>> =
        std::collections::BTreeMap::new();
    for line in lines {
        match line
            .strip_prefix("from ")
            .and_then(|r| r.split_once(" import "))
        {
            Some((module, names)) => {
                let entry = members.entry(module.to_string()).or_default();
                for n in names.split(',').map(str::trim).filter(|n| !n.is_empty()) {
                    if !entry.iter().any(|e| e == n) {
                        entry.push(n.to_string());
                    }
                }
            }
            None => {
                if !merged.contains(line) {
                    merged.push(line.clone());
                }
            }
        }
    }
    for (module, mut names) in members {
        names.sort_by_key(|n| member_key(n));
        merged.push(format!("from {module} import {}", names.join(", ")));
    }
    merged
}

/// A `from m import a, b` line too long for ruff becomes a parenthesised list.
fn explode(line: &str) -> String {
    if line.len() <= crate::python::LINE_WIDTH {
        return format!("{line}\n");
    }
    match line.split_once(" import ") {
        Some((head, names)) if head.starts_with("from ") => {
            let mut out = format!("{head} import (\n");
            for n in names.split(", ") {
                out.push_str(&format!("    {n},\n"));
            }
            out.push_str(")\n");
            out
        }
        _ => format!("{line}\n"),
    }
}

/// The import block for `lines` (each a whole import statement), ending in a newline.
pub fn block(lines: &[String]) -> String {
    let lines = merge(lines);
    let mut groups: [Vec<&String>; 3] = [Vec::new(), Vec::new(), Vec::new()];
    for line in &lines {
        let m = module(line);
        let group = if STDLIB.binary_search(&m).is_ok() {
            0
        } else if FIRST_PARTY.contains(&m) {
            2
        } else {
            1
        };
        if !groups[group].contains(&line) {
            groups[group].push(line);
        }
    }
    let mut out = Vec::new();
    for mut group in groups {
        if group.is_empty() {
            continue;
        }
        group.sort_by_key(|l| sort_key(l));
        out.push(group.iter().map(|l| explode(l)).collect::<String>());
    }
    out.join("\n")
}

#[cfg(test)]
mod tests {
    #[test]
    fn groups_and_orders() {
        let lines: Vec<String> = [
            "from zenml import step",
            "import boto3",
            "from steps.errors import E",
            "from typing import Any",
            "import time",
        ]
        .iter()
        .map(|s| s.to_string())
        .collect();
        assert_eq!(
            super::block(&lines),
            "import time\nfrom typing import Any\n\nimport boto3\nfrom zenml import step\n\nfrom steps.errors import E\n"
        );
    }
}
