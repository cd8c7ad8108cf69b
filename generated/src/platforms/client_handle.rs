//! [`platform_client!`]: what every platform's client handle has in common, written once.
//!
//! A handle is a cheap-to-clone wrapper around the runtime core. Each gets `Debug` (the core's,
//! which masks secrets), the runtime's `ClientKind` (the platform authorizes each request itself,
//! so the generic builder reads no token variable for it and its credential hints are never
//! shown), and the methods shared by all platforms: `messages()`, `with_options(..)` and
//! `base_url()`. The builder and `from_env` are each platform's own.

/// Defines a platform client handle `$name`, with the docs given before it, the environment
/// variable its key comes from, the error when it has no credentials, and the docs of its
/// `messages()` (which methods the platform serves).
macro_rules! platform_client {
    (
        $(#[$doc:meta])*
        $name:ident {
            key_var: $key_var:expr,
            missing_key: $missing_key:expr,
            messages: $messages_doc:literal $(,)?
        }
    ) => {
        $(#[$doc])*
        #[derive(Clone)]
        pub struct $name {
            core: $crate::runtime::ClientCore,
        }

        impl ::std::fmt::Debug for $name {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                f.debug_tuple(stringify!($name)).field(&self.core).finish()
            }
        }

        impl $crate::runtime::ClientKind for $name {
            const KEY_VAR: &'static str = $key_var;
            const TOKEN_VAR: &'static str = "";
            const KEY_HINT: &'static str = concat!("see ", stringify!($name), "::builder");
            const TOKEN_HINT: &'static str = concat!("see ", stringify!($name), "::builder");
            const MISSING_KEY: &'static str = $missing_key;

            fn from_core(core: $crate::runtime::ClientCore) -> Self {
                $name { core }
            }
        }

        impl $name {
            #[doc = $messages_doc]
            pub fn messages(&self) -> $crate::platforms::PlatformMessages<'_, $name> {
                $crate::platforms::PlatformMessages::new(&self.core)
            }

            /// A derived client whose requests use `options` over this client's settings.
            pub fn with_options(&self, options: $crate::RequestOptions) -> $name {
                $name {
                    core: self.core.with_options(options),
                }
            }

            /// The base URL requests go to.
            pub fn base_url(&self) -> &str {
                self.core.base_url()
            }
        }
    };
}

pub(crate) use platform_client;
