//! The Vertex AI stand-in's pieces: a service-account key whose `token_uri` points at a
//! loopback OAuth token endpoint, and that endpoint, which verifies the signed JWT of each
//! exchange (RS256, with the key's public half) before it hands out an access token.
//!
//! The RSA key pair in `tests/fixtures/vertex_test_key.pem` (PKCS#8) and
//! `vertex_test_key.pub.der` (PKCS#1) was made for these tests with
//! `openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048` and
//! `openssl rsa -RSAPublicKey_out -outform DER`; it protects nothing.

use base64::Engine as _;
use base64::alphabet::URL_SAFE;
use base64::engine::{DecodePaddingMode, GeneralPurpose, GeneralPurposeConfig};
use testkit::{Recorded, Reply, Server};

pub const PRIVATE_KEY: &str = include_str!("../fixtures/vertex_test_key.pem");
pub const PUBLIC_KEY_DER: &[u8] = include_bytes!("../fixtures/vertex_test_key.pub.der");
pub const CLIENT_EMAIL: &str = "claude-tests@vertex-test-project.iam.gserviceaccount.com";
pub const KEY_PROJECT: &str = "vertex-test-project";
pub const SCOPE: &str = "https://www.googleapis.com/auth/cloud-platform";

/// A service-account key file's JSON, with `token_uri` at `token_server`.
pub fn service_account_key(token_server: &Server) -> String {
    serde_json::json!({
        "type": "service_account",
        "project_id": KEY_PROJECT,
        "private_key_id": "0123456789abcdef",
        "private_key": PRIVATE_KEY,
        "client_email": CLIENT_EMAIL,
        "client_id": "100000000000000000001",
        "auth_uri": "https://accounts.google.com/o/oauth2/auth",
        "token_uri": format!("{}/token", token_server.base_url()),
    })
    .to_string()
}

/// Checks a JWT-bearer token request: the form, the JWT's RS256 signature and its claims.
/// Returns the claims.
pub fn verify_token_request(req: &Recorded, token_uri: &str) -> Result<serde_json::Value, String> {
    if req.method != "POST" || req.path() != "/token" {
        return Err(format!("{} {}", req.method, req.path()));
    }
    let form: Vec<(String, String)> = url_form(&req.body);
    let get = |name: &str| {
        form.iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
            .ok_or_else(|| format!("no {name} in the form"))
    };
    if get("grant_type")? != "urn:ietf:params:oauth:grant-type:jwt-bearer" {
        return Err("wrong grant_type".into());
    }
    let jwt = get("assertion")?;
    let parts: Vec<&str> = jwt.split('.').collect();
    let [header, claims, signature] = parts[..] else {
        return Err("not a JWT".into());
    };
    // URL-safe base64; gcp_auth pads it, RFC 7515 does not: either is read.
    let engine = GeneralPurpose::new(
        &URL_SAFE,
        GeneralPurposeConfig::new().with_decode_padding_mode(DecodePaddingMode::Indifferent),
    );
    let decode = |part: &str| engine.decode(part).map_err(|e| e.to_string());
    let header: serde_json::Value =
        serde_json::from_slice(&decode(header)?).map_err(|e| e.to_string())?;
    if header["alg"] != "RS256" {
        return Err(format!("alg {}", header["alg"]));
    }
    let key = ring::signature::UnparsedPublicKey::new(
        &ring::signature::RSA_PKCS1_2048_8192_SHA256,
        PUBLIC_KEY_DER,
    );
    let signed = &jwt[..jwt.len() - signature.len() - 1];
    key.verify(signed.as_bytes(), &decode(signature)?)
        .map_err(|_| "the JWT's signature does not verify".to_string())?;
    let claims: serde_json::Value =
        serde_json::from_slice(&decode(claims)?).map_err(|e| e.to_string())?;
    if claims["iss"] != CLIENT_EMAIL {
        return Err(format!("iss {}", claims["iss"]));
    }
    if claims["aud"] != token_uri {
        return Err(format!("aud {} instead of {token_uri}", claims["aud"]));
    }
    if !claims["scope"]
        .as_str()
        .unwrap_or("")
        .split(' ')
        .any(|s| s == SCOPE)
    {
        return Err(format!("scope {}", claims["scope"]));
    }
    let (iat, exp) = (claims["iat"].as_i64(), claims["exp"].as_i64());
    if !matches!((iat, exp), (Some(iat), Some(exp)) if exp > iat) {
        return Err("bad iat/exp".into());
    }
    Ok(claims)
}

/// A loopback OAuth token endpoint: the `n`th exchange (from 0) gets the access token
/// `ya29.token-{n}`, valid for `lifetimes[n]` seconds (the last lifetime for later ones).
pub async fn token_endpoint(lifetimes: Vec<u64>) -> Server {
    let uri = std::sync::Arc::new(std::sync::OnceLock::<String>::new());
    let seen = uri.clone();
    let server = Server::start(move |req| {
        let token_uri = seen.get().expect("the token URI is set").clone();
        match verify_token_request(req, &token_uri) {
            Ok(_) => {
                let lifetime = lifetimes[req.index.min(lifetimes.len() - 1)];
                Reply::json(serde_json::json!({
                    "access_token": format!("ya29.token-{}", req.index),
                    "expires_in": lifetime,
                    "token_type": "Bearer",
                }))
            }
            Err(reason) => Reply::new(
                400,
                serde_json::json!({"error": "invalid_grant",
                "error_description": reason})
                .to_string(),
            )
            .content_type("application/json"),
        }
    })
    .await;
    uri.set(format!("{}/token", server.base_url())).unwrap();
    server
}

fn url_form(body: &[u8]) -> Vec<(String, String)> {
    let text = String::from_utf8_lossy(body);
    text.split('&')
        .filter_map(|pair| pair.split_once('='))
        .map(|(k, v)| (decode_form(k), decode_form(v)))
        .collect()
}

fn decode_form(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'+' => out.push(b' '),
            b'%' if i + 2 < bytes.len() => {
                let hex = std::str::from_utf8(&bytes[i + 1..i + 3]).unwrap_or("");
                out.push(u8::from_str_radix(hex, 16).unwrap_or(b'?'));
                i += 2;
            }
            b => out.push(b),
        }
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}
