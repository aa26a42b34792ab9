//! Which pyproject distribution provides which top-level import, for the packages
//! generated and carried code commonly imports. An import of a package not listed here
//! is not guessed: the output verifier reports it (F0708) so the user declares it.

/// (distribution, top-level imports it provides).
const KNOWN: &[(&str, &[&str])] = &[
    ("zenml", &["zenml"]),
    ("pyyaml", &["yaml"]),
    ("boto3", &["boto3", "botocore"]),
    ("requests", &["requests"]),
    ("pandas", &["pandas"]),
    ("numpy", &["numpy"]),
    ("scipy", &["scipy"]),
    ("scikit-learn", &["sklearn"]),
    ("polars", &["polars"]),
    ("duckdb", &["duckdb"]),
    ("pyarrow", &["pyarrow"]),
    ("matplotlib", &["matplotlib"]),
    ("seaborn", &["seaborn"]),
    ("plotly", &["plotly"]),
    ("xgboost", &["xgboost"]),
    ("lightgbm", &["lightgbm"]),
    ("torch", &["torch"]),
    ("tensorflow", &["tensorflow"]),
    ("joblib", &["joblib"]),
    ("sqlalchemy", &["sqlalchemy"]),
    ("sagemaker", &["sagemaker"]),
    ("pillow", &["PIL"]),
    ("opencv-python", &["cv2"]),
    ("beautifulsoup4", &["bs4"]),
    ("python-dateutil", &["dateutil"]),
    ("pydantic", &["pydantic"]),
    ("httpx", &["httpx"]),
    ("openai", &["openai"]),
    ("psycopg2-binary", &["psycopg2"]),
    ("pymongo", &["pymongo"]),
    ("redis", &["redis"]),
    ("tqdm", &["tqdm"]),
    ("papermill", &["papermill"]),
    ("ipykernel", &["ipykernel"]),
];

/// The distribution that provides top-level module `import`, if known.
pub fn for_import(import: &str) -> Option<&'static str> {
    KNOWN
        .iter()
        .find(|(_, imports)| imports.contains(&import))
        .map(|(d, _)| *d)
}

/// The top-level imports a dependency specifier (`zenml[local]>=0.94`) provides.
pub fn imports_of(specifier: &str) -> Vec<String> {
    let name = specifier
        .split(|c: char| !(c.is_ascii_alphanumeric() || c == '-' || c == '_' || c == '.'))
        .next()
        .unwrap_or_default()
        .to_lowercase();
    match KNOWN.iter().find(|(d, _)| *d == name) {
        Some((_, imports)) => imports.iter().map(|s| s.to_string()).collect(),
        None => vec![name.replace('-', "_")],
    }
}
