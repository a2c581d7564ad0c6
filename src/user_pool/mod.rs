pub(crate) mod srp;
