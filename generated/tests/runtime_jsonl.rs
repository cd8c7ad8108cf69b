//! The JSONL decoder, fed chunk by chunk.

use anthropic_openapi::{Error, JsonlStream};
use bytes::Bytes;
use futures::StreamExt;

#[derive(Debug, PartialEq, serde::Deserialize)]
struct Line {
    custom_id: String,
}

fn stream(chunks: Vec<Vec<u8>>) -> JsonlStream<Line> {
    let items: Vec<_> = chunks.into_iter().map(|c| Ok(Bytes::from(c))).collect();
    JsonlStream::from_byte_stream(futures::stream::iter(items))
}

async fn collect(chunks: Vec<Vec<u8>>) -> Vec<Result<String, String>> {
    stream(chunks)
        .map(|r| match r {
            Ok(l) => Ok(l.custom_id),
            Err(Error::Decode { message, .. }) => Err(message),
            Err(e) => Err(format!("unexpected {e:?}")),
        })
        .collect()
        .await
}

const BODY: &str = "{\"custom_id\":\"r1\"}\n\
\n\
{\"custom_id\": oops}\n\
{\"custom_id\":\"r\u{e9}2\"}\r\n\
   \n\
{\"custom_id\":\"r3\"}";

#[tokio::test]
async fn bad_line_reports_its_number_and_decoding_continues_at_every_split() {
    let body = BODY.as_bytes();
    let check = |items: Vec<Result<String, String>>, what: String| {
        assert_eq!(items.len(), 4, "{what}: {items:?}");
        assert_eq!(items[0], Ok("r1".to_string()), "{what}");
        let err = items[1].as_ref().unwrap_err();
        assert!(err.starts_with("line 3: "), "{what}: {err}");
        assert_eq!(items[2], Ok("ré2".to_string()), "{what}");
        assert_eq!(items[3], Ok("r3".to_string()), "{what}");
    };
    check(collect(vec![body.to_vec()]).await, "whole".into());
    for at in 0..=body.len() {
        let chunks = vec![body[..at].to_vec(), body[at..].to_vec()];
        check(collect(chunks).await, format!("split at {at}"));
    }
    check(
        collect(body.iter().map(|b| vec![*b]).collect()).await,
        "bytewise".into(),
    );
}

#[tokio::test]
async fn decode_error_has_a_snippet() {
    let mut s = stream(vec![b"{\"custom_id\": 12345}\n".to_vec()]);
    match s.next().await.unwrap() {
        Err(Error::Decode {
            message,
            path,
            snippet,
        }) => {
            assert!(message.starts_with("line 1: "), "{message}");
            assert_eq!(path, "custom_id");
            assert!(snippet.contains("12345"), "{snippet}");
        }
        other => panic!("{other:?}"),
    }
    assert!(s.next().await.is_none());
}

#[tokio::test]
async fn empty_body_is_an_empty_stream() {
    assert!(collect(vec![]).await.is_empty());
    assert!(collect(vec![b"\n\r\n".to_vec()]).await.is_empty());
}

#[tokio::test]
async fn transport_error_ends_the_stream() {
    let chunks = vec![
        Ok(Bytes::from_static(b"{\"custom_id\":\"a\"}\n{\"cus")),
        Err(Error::Stream("connection reset".into())),
        Ok(Bytes::from_static(b"tom_id\":\"b\"}\n")),
    ];
    let items: Vec<_> = JsonlStream::<Line>::from_byte_stream(futures::stream::iter(chunks))
        .collect()
        .await;
    assert_eq!(items.len(), 2);
    assert_eq!(items[0].as_ref().unwrap().custom_id, "a");
    assert!(matches!(&items[1], Err(Error::Stream(m)) if m == "connection reset"));
}
