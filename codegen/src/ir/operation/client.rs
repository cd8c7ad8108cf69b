//! Which generated client an operation is a method of, and which credentials it accepts, from
//! the security it requires.

use openapiv3::OpenAPI;

use super::{Auth, Client};
use crate::Error;

/// The admin client's schemes: its admin key, and an OAuth bearer token (`org:admin`).
const ADMIN_KEY: &str = "AdminKeyAuth";
const ADMIN_OAUTH: &str = "AdminOAuth";
/// The regular client's scheme.
const API_KEY: &str = "ApiKeyAuth";

/// `ApiKeyAuth` → the regular client; `AdminKeyAuth` and/or `AdminOAuth` → the admin client.
/// The operation's own `security` wins over the document's; every scheme named must be
/// declared. Each requirement (an alternative) names one scheme: an admin operation listing
/// both admin schemes accepts either credential, one listing only one accepts only that one.
pub(super) fn client_of(
    spec: &OpenAPI,
    op: &openapiv3::Operation,
    ptr: &str,
) -> Result<(Client, Auth), Error> {
    let requirements = op.security.as_ref().or(spec.security.as_ref());
    let alternatives: Vec<Vec<&String>> = requirements
        .map(|r| r.iter().map(|req| req.keys().collect()).collect())
        .unwrap_or_default();
    let declared = spec.components.as_ref().map(|c| &c.security_schemes);
    for s in alternatives.iter().flatten() {
        if !declared.is_some_and(|d| d.contains_key(s.as_str())) {
            return Err(Error::new(
                ptr,
                format!("security scheme `{s}` is not declared in components/securitySchemes"),
            ));
        }
    }
    if alternatives.iter().any(|a| a.len() != 1) {
        return Err(Error::new(
            ptr,
            "each security requirement names exactly one scheme (list alternatives separately)",
        ));
    }
    let has = |name: &str| alternatives.iter().flatten().any(|s| *s == name);
    let (api, key, oauth) = (has(API_KEY), has(ADMIN_KEY), has(ADMIN_OAUTH));
    match (api, key, oauth) {
        (true, false, false) => Ok((Client::Api, Auth::Any)),
        (false, true, true) => Ok((Client::Admin, Auth::Any)),
        (false, true, false) => Ok((Client::Admin, Auth::Key)),
        (false, false, true) => Ok((Client::Admin, Auth::Bearer)),
        (false, false, false) => Err(Error::new(
            ptr,
            format!("an operation needs {API_KEY}, {ADMIN_KEY} or {ADMIN_OAUTH} security"),
        )),
        _ => Err(Error::new(
            ptr,
            format!("an operation takes either {API_KEY} or the admin schemes, not both"),
        )),
    }
}
