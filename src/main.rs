//! The one binary: the web app (`serve`, the default) and the CLI (`run`, `check`).

#[cfg(feature = "ssr")]
fn main() {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        // Fair service under overload. Past 256 runnable tasks a worker moves
        // half of its queue to the shared one, and by default it looks there
        // only every ~13 tasks and at the network every 61: a reply ready
        // later then overtakes those moved earlier. With 500 polling clients
        // on one core, a quarter of the reads waited 3× as long as the median
        // (p99 69 ms against p50 10 ms, `wrk -c500`). Looking at the shared
        // queue every other task, and at the network once per 1,024 tasks (at
        // most 1,024 events come per look), serves them about in the order
        // they came: p99 21–29 ms, same throughput (bench/RESULTS.md, (b)).
        // Idle or lightly loaded, a worker looks at the network whenever its
        // queue is empty, so this changes nothing there.
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
