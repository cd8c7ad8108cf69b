//! Loopback ports for servers started by benchmarks and tests.

use std::io;
use std::net::{Ipv4Addr, TcpListener};

/// A listener on a free port of 127.0.0.1 that the system chose, and the port.
pub fn bind_loopback() -> io::Result<(TcpListener, u16)> {
    let listener = TcpListener::bind((Ipv4Addr::LOCALHOST, 0))?;
    let port = listener.local_addr()?.port();
    Ok((listener, port))
}

/// A port of 127.0.0.1 that was free a moment ago, for a server in another process to
/// listen on (bound and released; another program may take it in between).
pub fn free_port() -> Result<u16, String> {
    bind_loopback()
        .map(|(_, port)| port)
        .map_err(|e| format!("binding 127.0.0.1:0 to find a free port: {e}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn loopback_ports() {
        let (listener, port) = bind_loopback().unwrap();
        assert_eq!(listener.local_addr().unwrap().ip(), Ipv4Addr::LOCALHOST);
        assert_ne!(port, 0);
        // Released, so it can be bound again; but another test or program may take it in
        // between (which made a single try flaky under a parallel `cargo test`), so a few
        // ports are tried and one of them must bind.
        let mut errors = Vec::new();
        for _ in 0..5 {
            let free = free_port().unwrap();
            assert_ne!(
                free, port,
                "the port still held by `listener` was handed out"
            );
            match TcpListener::bind((Ipv4Addr::LOCALHOST, free)) {
                Ok(_) => return,
                Err(e) => errors.push(format!("{free}: {e}")),
            }
        }
        panic!("no released port could be bound again: {errors:?}");
    }
}
