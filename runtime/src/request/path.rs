//! Percent-encoding ids into path segments, so that an id cannot leave its segment.

use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, utf8_percent_encode};

/// Everything except the RFC 3986 unreserved characters (`A-Z a-z 0-9 - . _ ~`).
pub(super) const UNRESERVED_ONLY: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~');

/// Percent-encodes one path segment (an id) so that it cannot leave its segment.
///
/// Every byte except the RFC 3986 unreserved characters is encoded, so `/`, `?`, `#` and `%`
/// stay inside the segment. A segment made only of dots (`.` or `..`) is encoded entirely
/// (`..` becomes `%2E%2E`); the client additionally refuses to send a path with such a segment,
/// because URL parsers treat `%2E%2E` as `..`.
pub fn encode_path_segment(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    push_path_segment(&mut out, s);
    out
}

/// A request path from a path template: its literal pieces with the parameters between them,
/// each parameter encoded as by [`encode_path_segment`].
///
/// `pieces` has one element more than `params`: `pieces[0]`, then `params[0]`, then
/// `pieces[1]`, and so on. For `/v1/files/{file_id}/content`, generated code calls
/// `encode_path(&["/v1/files/", "/content"], &[file_id])`. The path is written into a single
/// allocation (`format!` with [`encode_path_segment`] makes one string per parameter and
/// another for the result).
///
/// # Panics
///
/// If `pieces` does not have exactly one element more than `params`.
pub fn encode_path(pieces: &[&str], params: &[&str]) -> String {
    assert_eq!(
        pieces.len(),
        params.len() + 1,
        "a path has one piece more than parameters"
    );
    let len = pieces.iter().chain(params).map(|s| s.len()).sum();
    let mut path = String::with_capacity(len);
    let mut params = params.iter();
    for piece in pieces {
        path.push_str(piece);
        if let Some(param) = params.next() {
            push_path_segment(&mut path, param);
        }
    }
    path
}

/// Appends `s` to `out`, encoded as by [`encode_path_segment`].
fn push_path_segment(out: &mut String, s: &str) {
    if !s.is_empty() && s.bytes().all(|b| b == b'.') {
        for _ in 0..s.len() {
            out.push_str("%2E");
        }
    } else {
        out.extend(utf8_percent_encode(s, UNRESERVED_ONLY));
    }
}
