//! Requests to responses, for any runtime: HTTP rules ([`http`],
//! [`httpdate`]), signed URLs ([`sign`]), the request flow ([`flow`]),
//! posted data sets and their charts ([`data`]),
//! against the storage trait ([`store`]) and the isolate's memory ([`hot`]),
//! and the error image that explains a broken `<img>` ([`message`]).

pub mod data;
pub mod flow;
pub mod hot;
pub mod http;
pub mod httpdate;
pub mod message;
pub mod sign;
pub mod store;
