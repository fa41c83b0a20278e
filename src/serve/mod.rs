//! Requests to responses, for any runtime: HTTP rules ([`http`],
//! [`httpdate`]), signed URLs ([`sign`]), the request flow ([`flow`]),
//! posted data sets and their charts ([`data`]), the font shards texts
//! need ([`fonts`]),
//! against the storage trait ([`store`]) and the isolate's memory ([`hot`]),
//! the error image that explains a broken `<img>` ([`message`]), and the
//! start work a fresh isolate does before its first request ([`warm`]).

pub mod data;
pub mod flow;
pub mod fonts;
pub mod hot;
pub mod http;
pub mod httpdate;
pub mod message;
pub mod sign;
pub mod store;
pub mod warm;
