//! The Bedrock stand-in's checks and framing: SigV4 signatures verified by signing the
//! received request again with `aws-sigv4` (with the credentials the test handed out), and
//! replies framed as AWS event streams with `aws-smithy-eventstream`.

use std::time::SystemTime;

use aws_credential_types::Credentials;
use aws_sigv4::http_request::{SignableBody, SignableRequest, SigningSettings, sign};
use aws_sigv4::sign::v4;
use aws_smithy_eventstream::frame::write_message_to;
use aws_smithy_types::event_stream::{Header, HeaderValue, Message};
use testkit::Recorded;

/// The content type of an AWS event stream.
pub const EVENT_STREAM: &str = "application/vnd.amazon.eventstream";

/// What the `Authorization` header of a SigV4 request says.
#[derive(Debug, Clone, PartialEq)]
pub struct SigV4Header {
    pub access_key_id: String,
    pub date: String,
    pub region: String,
    pub service: String,
    pub signed_headers: Vec<String>,
    pub signature: String,
}

/// Parses `AWS4-HMAC-SHA256 Credential=…/date/region/service/aws4_request,
/// SignedHeaders=…, Signature=…`.
pub fn parse_authorization(value: &str) -> Result<SigV4Header, String> {
    let rest = value
        .strip_prefix("AWS4-HMAC-SHA256 ")
        .ok_or_else(|| format!("not a SigV4 authorization: {value:?}"))?;
    let mut credential = None;
    let mut signed = None;
    let mut signature = None;
    for part in rest.split(',').map(str::trim) {
        if let Some(v) = part.strip_prefix("Credential=") {
            credential = Some(v);
        } else if let Some(v) = part.strip_prefix("SignedHeaders=") {
            signed = Some(v);
        } else if let Some(v) = part.strip_prefix("Signature=") {
            signature = Some(v);
        }
    }
    let scope: Vec<&str> = credential.ok_or("no Credential")?.split('/').collect();
    let [key, date, region, service, "aws4_request"] = scope[..] else {
        return Err(format!("bad credential scope {scope:?}"));
    };
    Ok(SigV4Header {
        access_key_id: key.into(),
        date: date.into(),
        region: region.into(),
        service: service.into(),
        signed_headers: signed
            .ok_or("no SignedHeaders")?
            .split(';')
            .map(str::to_string)
            .collect(),
        signature: signature.ok_or("no Signature")?.into(),
    })
}

/// Verifies the SigV4 signature of a recorded request: signs the same method, URL, signed
/// headers and body again with `credentials` at the request's `x-amz-date`, and compares.
/// Returns the parsed authorization on success.
pub fn verify_sigv4(
    req: &Recorded,
    credentials: &Credentials,
    region: &str,
    service: &str,
) -> Result<SigV4Header, String> {
    let auth = parse_authorization(req.header("authorization").ok_or("no authorization")?)?;
    if auth.access_key_id != credentials.access_key_id() {
        return Err(format!(
            "signed with key {} instead of {}",
            auth.access_key_id,
            credentials.access_key_id()
        ));
    }
    if auth.region != region || auth.service != service {
        return Err(format!(
            "scope {}/{} instead of {region}/{service}",
            auth.region, auth.service
        ));
    }
    if req.header("x-amz-security-token") != credentials.session_token() {
        return Err("the session token sent is not the credentials' token".into());
    }
    let amz_date = req.header("x-amz-date").ok_or("no x-amz-date")?;
    let time = chrono::NaiveDateTime::parse_from_str(amz_date, "%Y%m%dT%H%M%SZ")
        .map_err(|e| format!("bad x-amz-date {amz_date:?}: {e}"))?
        .and_utc();
    let time = SystemTime::UNIX_EPOCH + std::time::Duration::from_secs(time.timestamp() as u64);
    let host = req.header("host").ok_or("no host")?;
    let url = format!("http://{host}{}", req.target);
    for required in ["host", "x-amz-date", "content-type", "anthropic-version"] {
        if !auth.signed_headers.iter().any(|h| h == required) {
            return Err(format!(
                "{required} is not signed: {:?}",
                auth.signed_headers
            ));
        }
    }
    // The signed headers as received, less those the signer adds itself.
    let headers: Vec<(&str, &str)> = auth
        .signed_headers
        .iter()
        .filter(|h| !matches!(h.as_str(), "host" | "x-amz-date" | "x-amz-security-token"))
        .map(|h| {
            req.header(h)
                .map(|v| (h.as_str(), v))
                .ok_or_else(|| format!("signed header {h} was not received"))
        })
        .collect::<Result<_, _>>()?;
    let identity = credentials.clone().into();
    let params = v4::SigningParams::builder()
        .identity(&identity)
        .region(region)
        .name(service)
        .time(time)
        .settings(SigningSettings::default())
        .build()
        .map_err(|e| e.to_string())?
        .into();
    let signable = SignableRequest::new(
        &req.method,
        url,
        headers.into_iter(),
        SignableBody::Bytes(&req.body),
    )
    .map_err(|e| e.to_string())?;
    let (_, expected) = sign(signable, &params)
        .map_err(|e| e.to_string())?
        .into_parts();
    if expected != auth.signature {
        return Err(format!(
            "bad signature {} (expected {expected})",
            auth.signature
        ));
    }
    Ok(auth)
}

fn frame(headers: &[(&str, &str)], payload: &[u8]) -> Vec<u8> {
    let mut message = Message::new(payload.to_vec());
    for (name, value) in headers {
        message = message.add_header(Header::new(
            name.to_string(),
            HeaderValue::String(value.to_string().into()),
        ));
    }
    let mut out = Vec::new();
    write_message_to(&message, &mut out).expect("encode a frame");
    out
}

/// A `chunk` event frame carrying one API event, as InvokeModelWithResponseStream sends it.
pub fn chunk_frame(event: &serde_json::Value) -> Vec<u8> {
    let payload = serde_json::json!({
        "bytes": aws_smithy_types::base64::encode(event.to_string()),
        "p": "abcdefgh",
    });
    frame(
        &[
            (":message-type", "event"),
            (":event-type", "chunk"),
            (":content-type", "application/json"),
        ],
        payload.to_string().as_bytes(),
    )
}

/// An exception frame, such as `throttlingException` with `{"message": …}`.
pub fn exception_frame(kind: &str, payload: &serde_json::Value) -> Vec<u8> {
    frame(
        &[
            (":message-type", "exception"),
            (":exception-type", kind),
            (":content-type", "application/json"),
        ],
        payload.to_string().as_bytes(),
    )
}

/// The frames of a whole streamed reply.
pub fn event_stream(events: &[serde_json::Value]) -> Vec<u8> {
    events.iter().flat_map(chunk_frame).collect()
}
