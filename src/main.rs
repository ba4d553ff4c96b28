//! The one binary: the web app (`serve`, the default) and the CLI (`run`, `check`).

#[cfg(feature = "ssr")]
#[tokio::main]
async fn main() {
    std::process::exit(livesmoke::cli::main().await);
}

#[cfg(not(feature = "ssr"))]
fn main() {
    // The wasm build has no binary; `cargo leptos` builds this one with `ssr`.
}
