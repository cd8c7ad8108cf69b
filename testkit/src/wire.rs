//! Bytes on the wire: reading lines and bodies of requests, writing pieces and chunks of
//! replies, and closing with a reset.

use std::time::Duration;

use tokio::io::{AsyncBufRead, AsyncBufReadExt, AsyncRead, AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

use crate::sink::OpenSink;

/// Reads `len` bytes of body into `sink`, through `buf`, without keeping them.
pub(crate) async fn stream_body(
    r: &mut (impl AsyncRead + Unpin),
    mut len: u64,
    buf: &mut [u8],
    sink: &mut dyn OpenSink,
) -> std::io::Result<()> {
    while len > 0 {
        let want = buf.len().min(usize::try_from(len).unwrap_or(usize::MAX));
        let n = r.read(&mut buf[..want]).await?;
        if n == 0 {
            return Err(std::io::ErrorKind::UnexpectedEof.into());
        }
        sink.feed(&buf[..n]);
        len -= n as u64;
    }
    Ok(())
}

/// Reads one line (up to and including `\n`) into `raw` and returns it as text.
pub(crate) async fn read_line(
    r: &mut (impl AsyncBufRead + Unpin),
    raw: &mut Vec<u8>,
) -> std::io::Result<String> {
    let start = raw.len();
    r.read_until(b'\n', raw).await?;
    Ok(String::from_utf8_lossy(&raw[start..]).into_owned())
}

/// Writes one body piece, as an HTTP chunk when `chunked`, and flushes it. Empty pieces are
/// skipped when chunked, since an empty chunk would end the body.
pub(crate) async fn write_piece(
    sock: &mut TcpStream,
    piece: &[u8],
    chunked: bool,
) -> std::io::Result<()> {
    if chunked {
        if piece.is_empty() {
            return Ok(());
        }
        sock.write_all(format!("{:x}\r\n", piece.len()).as_bytes())
            .await?;
        sock.write_all(piece).await?;
        sock.write_all(b"\r\n").await?;
    } else {
        sock.write_all(piece).await?;
    }
    sock.flush().await
}

pub(crate) async fn pause(pause: Option<Duration>) {
    match pause {
        Some(d) => tokio::time::sleep(d).await,
        None => tokio::task::yield_now().await,
    }
}

/// Closes with a TCP RST rather than a FIN.
pub(crate) fn reset(sock: TcpStream) -> std::io::Result<()> {
    sock.set_zero_linger()?;
    drop(sock);
    Ok(())
}
