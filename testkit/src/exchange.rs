//! One exchange on one connection: read the request, record it, choose the reply and write
//! it.

use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, Instant};

use bytes::Bytes;
use futures::StreamExt;
use tokio::io::{AsyncReadExt, AsyncWriteExt, BufReader};
use tokio::net::TcpStream;

use crate::http::{self, RequestHead};
use crate::recorded::Recorded;
use crate::reply::{Body, Fate};
use crate::server::{Handling, Log};
use crate::wire::{pause, read_line, reset, stream_body, write_piece};

/// Reads one request from `sock`, records it, and writes the handler's reply.
pub(crate) async fn serve(
    sock: TcpStream,
    handling: Handling,
    log: Arc<Mutex<Log>>,
) -> std::io::Result<()> {
    sock.set_nodelay(true)?;
    let mut r = BufReader::new(sock);
    let mut raw = Vec::new();

    let line = read_line(&mut r, &mut raw).await?;
    if line.is_empty() {
        // Connected and closed without a request.
        return Ok(());
    }
    loop {
        let line = read_line(&mut r, &mut raw).await?;
        if line.trim_end().is_empty() {
            break;
        }
    }
    let invalid = |e: String| std::io::Error::new(std::io::ErrorKind::InvalidData, e);
    let head = RequestHead::parse(&raw).map_err(invalid)?;
    let content_length = head.content_length().map_err(invalid)?;
    let chunked_body = head.is_chunked();
    let RequestHead {
        method,
        target,
        headers,
    } = head;

    let reply = match handling {
        Handling::Record(handler) => {
            let mut body = Vec::new();
            if let Some(len) = content_length {
                body.resize(usize::try_from(len).map_err(|e| invalid(e.to_string()))?, 0);
                r.read_exact(&mut body).await?;
                raw.extend_from_slice(&body);
            } else if chunked_body {
                loop {
                    let size = read_line(&mut r, &mut raw).await?;
                    let size = usize::from_str_radix(size.trim(), 16).expect("a chunk size");
                    let mut chunk = vec![0; size + 2];
                    r.read_exact(&mut chunk).await?;
                    raw.extend_from_slice(&chunk);
                    if size == 0 {
                        break;
                    }
                    body.extend_from_slice(&chunk[..size]);
                }
            }
            let mut log = log.lock().unwrap_or_else(PoisonError::into_inner);
            let mut request = Recorded {
                index: log.next,
                at: Instant::now(),
                method,
                target,
                headers,
                body,
                raw,
                answered: Vec::new(),
            };
            log.next += 1;
            let reply = handler(&request);
            request.answered = reply.body_bytes();
            log.requests.push(request);
            reply
        }
        Handling::Stream(open) => {
            let mut request = Recorded {
                index: {
                    let mut log = log.lock().unwrap_or_else(PoisonError::into_inner);
                    log.next += 1;
                    log.next - 1
                },
                at: Instant::now(),
                method,
                target,
                headers,
                body: Vec::new(),
                raw,
                answered: Vec::new(),
            };
            let mut sink = open(&request);
            let mut buf = vec![0; 64 * 1024];
            if let Some(len) = content_length {
                stream_body(&mut r, len, &mut buf, sink.as_mut()).await?;
            } else if chunked_body {
                let mut framing = Vec::new();
                loop {
                    let size = read_line(&mut r, &mut framing).await?;
                    let size = u64::from_str_radix(size.trim(), 16).expect("a chunk size");
                    stream_body(&mut r, size, &mut buf, sink.as_mut()).await?;
                    r.read_exact(&mut [0; 2]).await?;
                    if size == 0 {
                        break;
                    }
                }
            }
            request.at = Instant::now();
            let reply = sink.reply(&request);
            request.answered = reply.body_bytes();
            log.lock()
                .unwrap_or_else(PoisonError::into_inner)
                .requests
                .push(request);
            reply
        }
    };

    let mut sock = r.into_inner();
    if !reply.delay.is_zero() {
        tokio::time::sleep(reply.delay).await;
    }
    if let Fate::Reset = reply.fate {
        return reset(sock);
    }

    let length = match (reply.fate, &reply.body) {
        (Fate::Truncate { announced }, _) => Some(announced),
        (Fate::CloseDelimited, _) => None,
        (_, Body::Pieces(pieces)) if !reply.chunked => Some(pieces.iter().map(Bytes::len).sum()),
        _ => None,
    }
    .map(|n| n.to_string());
    let framing = match (&length, reply.fate) {
        (Some(n), _) => Some(("content-length", n.as_str())),
        // The end of the connection is the end of the body.
        (None, Fate::CloseDelimited) => None,
        (None, _) => Some(("transfer-encoding", "chunked")),
    };
    let head = http::response_head(
        reply.status,
        [("connection", "close")]
            .into_iter()
            .chain(framing)
            .chain(reply.headers.iter().map(|(n, v)| (n.as_str(), v.as_str()))),
    );
    sock.write_all(head.as_bytes()).await?;

    let chunked =
        reply.chunked && !matches!(reply.fate, Fate::Truncate { .. } | Fate::CloseDelimited);
    match &reply.body {
        Body::Pieces(pieces) => {
            for (i, piece) in pieces.iter().enumerate() {
                if i > 0 {
                    pause(reply.pause).await;
                }
                write_piece(&mut sock, piece, chunked).await?;
            }
        }
        Body::Stream(stream) => {
            let mut stream = stream
                .lock()
                .unwrap_or_else(PoisonError::into_inner)
                .take()
                .expect("a stream reply can be sent only once");
            let mut first = true;
            while let Some(piece) = stream.next().await {
                if !first {
                    pause(reply.pause).await;
                }
                first = false;
                write_piece(&mut sock, &piece, chunked).await?;
            }
        }
    }

    if let Fate::Truncate { .. } = reply.fate {
        // Let the client read what was sent before the connection breaks.
        tokio::time::sleep(Duration::from_millis(20)).await;
        return reset(sock);
    }
    if chunked {
        sock.write_all(b"0\r\n\r\n").await?;
    }
    sock.flush().await?;
    sock.shutdown().await
}
