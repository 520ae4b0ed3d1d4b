//! `ordinal-web`: the browser front end.
