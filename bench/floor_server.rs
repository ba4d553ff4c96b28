//! The machine's floor for part (b) at one connection: the fastest a server
//! that sleeps while idle can answer one client on this machine's loopback. A
//! thread per connection blocks in `read` and answers each request (each blank
//! line that ends a head) with a fixed 2-byte reply: no parsing, no routing, no
//! runtime, no readiness polling. At c=1 a request then costs what the kernel
//! and the hypervisor charge for the loopback writes and for waking the
//! sleeping thread, so no real server's c=1 row can go above this one's. (Only
//! a server that never sleeps, spinning on its socket and burning a core while
//! nobody asks, would: that is not what a smoke runner should do to its host.)
//!
//! std only, so `bench.py` builds it with `rustc -O` (no Cargo project):
//! `floor_server 127.0.0.1:PORT`.

use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};

const REPLY: &[u8] = b"HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: 2\r\n\r\n{}";

fn main() {
    let addr = std::env::args().nth(1).unwrap_or_else(|| "127.0.0.1:18300".to_string());
    let listener = match TcpListener::bind(&addr) {
        Ok(l) => l,
        Err(e) => {
            eprintln!("floor_server: cannot listen on {addr}: {e}");
            std::process::exit(1);
        }
    };
    for conn in listener.incoming().flatten() {
        std::thread::spawn(move || serve(conn));
    }
}

/// Answers every request head on `conn` until the client closes it.
fn serve(mut conn: TcpStream) {
    let _ = conn.set_nodelay(true);
    let mut buf = [0u8; 16 * 1024];
    // how much of "\r\n\r\n" the bytes read so far end with
    let mut matched = 0usize;
    loop {
        let n = match conn.read(&mut buf) {
            Ok(0) | Err(_) => return,
            Ok(n) => n,
        };
        let mut heads = 0;
        for &b in &buf[..n] {
            matched = match (matched, b) {
                (0 | 2, b'\r') => matched + 1,
                (1 | 3, b'\n') => matched + 1,
                (_, b'\r') => 1,
                _ => 0,
            };
            if matched == 4 {
                heads += 1;
                matched = 0;
            }
        }
        for _ in 0..heads {
            if conn.write_all(REPLY).is_err() {
                return;
            }
        }
    }
}
