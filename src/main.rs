//! The one binary: the web app (`serve`, the default) and the CLI (`run`, `check`).

#[cfg(feature = "ssr")]
fn main() {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        // Fair service under overload: replies go out about in the order the
        // requests came. Past 256 runnable tasks a worker moves half of its
        // queue to the shared one, and by default it looks there only every
        // ~13 tasks and at the network every 61, so a reply ready later
        // overtakes those moved earlier: with hundreds of polling clients on
        // one core, a quarter of them would wait several times the median.
        // Looking at the shared queue every other task, and at the network
        // once per 1,024 tasks (at most 1,024 events come per look), keeps
        // the order and costs no throughput. Idle or lightly loaded, a worker
        // looks at the network whenever its queue is empty, so the defaults
        // and these behave alike there.
        .global_queue_interval(2)
        .event_interval(1024)
        .build();
    let code = match runtime {
        Ok(rt) => rt.block_on(livesmoke::cli::main()),
        Err(e) => {
            eprintln!("livesmoke: cannot start the async runtime: {e}");
            1
        }
    };
    std::process::exit(code);
}

#[cfg(not(feature = "ssr"))]
fn main() {
    // The wasm build has no binary; `cargo leptos` builds this one with `ssr`.
}
