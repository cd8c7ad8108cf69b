//! Which generated client an operation is a method of, from the security it requires.

use openapiv3::OpenAPI;

use super::Client;
use crate::Error;

/// `AdminKeyAuth` → the admin client, `ApiKeyAuth` → the regular one. The operation's own
/// `security` wins over the document's; every scheme named must be declared, and exactly one
/// of the two must be required.
pub(super) fn client_of(
    spec: &OpenAPI,
    op: &openapiv3::Operation,
    ptr: &str,
) -> Result<Client, Error> {
    let requirements = op.security.as_ref().or(spec.security.as_ref());
    let schemes: Vec<&String> = requirements
        .map(|r| r.iter().flat_map(|req| req.keys()).collect())
        .unwrap_or_default();
    let declared = spec.components.as_ref().map(|c| &c.security_schemes);
    for s in &schemes {
        if !declared.is_some_and(|d| d.contains_key(s.as_str())) {
            return Err(Error::new(
                ptr,
                format!("security scheme `{s}` is not declared in components/securitySchemes"),
            ));
        }
    }
    match (
        schemes.iter().any(|s| *s == "AdminKeyAuth"),
        schemes.iter().any(|s| *s == "ApiKeyAuth"),
    ) {
        (true, false) => Ok(Client::Admin),
        (false, true) => Ok(Client::Api),
        (true, true) => Err(Error::new(
            ptr,
            "an operation takes either ApiKeyAuth or AdminKeyAuth, not both",
        )),
        (false, false) => Err(Error::new(
            ptr,
            "an operation needs ApiKeyAuth or AdminKeyAuth security",
        )),
    }
}
