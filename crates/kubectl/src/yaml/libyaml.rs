//! A minimal safe wrapper around the `unsafe-libyaml` event parser (the same libyaml port
//! serde_yaml uses). go-yaml v2, which kubectl uses through `sigs.k8s.io/yaml`, is itself a
//! port of libyaml, so its scanner/parser error texts and marks are the ones we surface.
//!
//! All `unsafe` of the YAML intake lives in this file.

#![allow(unsafe_code)]

use std::ffi::CStr;
use std::mem::MaybeUninit;
#[allow(clippy::unsafe_removed_from_name)]
use unsafe_libyaml as sys;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum ScalarStyle {
    Plain,
    SingleQuoted,
    DoubleQuoted,
    Literal,
    Folded,
}

#[derive(Debug)]
pub(crate) enum Event {
    StreamStart,
    StreamEnd,
    DocumentStart,
    DocumentEnd,
    Alias {
        anchor: String,
    },
    Scalar {
        anchor: Option<String>,
        tag: Option<String>,
        value: String,
        plain_implicit: bool,
        #[allow(dead_code)]
        style: ScalarStyle,
    },
    SequenceStart {
        anchor: Option<String>,
    },
    SequenceEnd,
    MappingStart {
        anchor: Option<String>,
    },
    MappingEnd,
}

/// A libyaml error with go-yaml v2's line rule applied (`decode.go` `parser.fail`).
#[derive(Debug)]
pub(crate) struct ParseError {
    pub message: String,
    /// Where libyaml saw the problem (its problem mark, else its context mark).
    pub mark: Mark,
}

/// A 0-based position in the input (libyaml's `yaml_mark_t`; columns count characters).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub(crate) struct Mark {
    pub line: u64,
    pub column: u64,
}

impl Mark {
    fn of(m: &sys::yaml_mark_t) -> Mark {
        Mark {
            line: m.line,
            column: m.column,
        }
    }
}

pub(crate) struct Parser {
    sys: Box<MaybeUninit<sys::yaml_parser_t>>,
    // The input must outlive the parser: libyaml keeps raw pointers into it.
    _input: Box<[u8]>,
    failed: bool,
}

impl Parser {
    pub fn new(input: &[u8]) -> Parser {
        let input: Box<[u8]> = if input.is_empty() {
            // go-yaml: `if len(b) == 0 { b = []byte{'\n'} }`
            Box::from(&b"\n"[..])
        } else {
            Box::from(input)
        };
        let mut sys = Box::new(MaybeUninit::<sys::yaml_parser_t>::uninit());
        // SAFETY: `sys` is a valid allocation for a parser; initialize writes every field.
        // The input buffer is heap-allocated, owned by `Parser` and never moved or freed before
        // `yaml_parser_delete` runs in `Drop`.
        unsafe {
            let p = sys.as_mut_ptr();
            if sys::yaml_parser_initialize(p).fail {
                // Only fails on allocation failure, which aborts in Rust anyway.
                std::process::abort();
            }
            sys::yaml_parser_set_encoding(p, sys::YAML_UTF8_ENCODING);
            sys::yaml_parser_set_input_string(p, input.as_ptr(), input.len() as u64);
        }
        Parser {
            sys,
            _input: input,
            failed: false,
        }
    }

    fn error(&self) -> ParseError {
        // SAFETY: the parser is initialized; the error fields are plain data and C strings with
        // static lifetime (libyaml only stores string literals there).
        unsafe {
            let p = &*self.sys.as_ptr();
            let problem = if p.problem.is_null() {
                String::new()
            } else {
                CStr::from_ptr(p.problem).to_string_lossy().into_owned()
            };
            let mut line = 0u64;
            if p.problem_mark.line != 0 {
                line = p.problem_mark.line;
                if p.error == sys::YAML_SCANNER_ERROR {
                    line += 1;
                }
            } else if p.context_mark.line != 0 {
                line = p.context_mark.line;
            }
            let msg = if problem.is_empty() {
                "unknown problem parsing YAML content".to_string()
            } else {
                problem
            };
            let message = if line != 0 {
                format!("line {line}: {msg}")
            } else {
                msg
            };
            let problem_mark = Mark::of(&p.problem_mark);
            let mark = if problem_mark != Mark::default() || p.context_mark.line == 0 {
                problem_mark
            } else {
                Mark::of(&p.context_mark)
            };
            ParseError { message, mark }
        }
    }

    /// The next event and the 0-based line of its start mark.
    pub fn next_event(&mut self) -> Result<(Event, u64), ParseError> {
        self.next_marked().map(|(e, start, _)| (e, start.line))
    }

    /// The next event with its start and end marks.
    pub fn next_marked(&mut self) -> Result<(Event, Mark, Mark), ParseError> {
        if self.failed {
            return Err(self.error());
        }
        let mut event = MaybeUninit::<sys::yaml_event_t>::uninit();
        // SAFETY: parser initialized; on success the event is initialized and we copy every
        // pointed-to byte out before `yaml_event_delete` frees it.
        unsafe {
            let p = self.sys.as_mut_ptr();
            let ev = event.as_mut_ptr();
            if sys::yaml_parser_parse(p, ev).fail {
                self.failed = true;
                return Err(self.error());
            }
            let e = &*ev;
            let (start, end) = (Mark::of(&e.start_mark), Mark::of(&e.end_mark));
            let out = match e.type_ {
                sys::YAML_STREAM_START_EVENT => Event::StreamStart,
                sys::YAML_STREAM_END_EVENT => Event::StreamEnd,
                sys::YAML_DOCUMENT_START_EVENT => Event::DocumentStart,
                sys::YAML_DOCUMENT_END_EVENT => Event::DocumentEnd,
                sys::YAML_ALIAS_EVENT => Event::Alias {
                    anchor: cstr(e.data.alias.anchor).unwrap_or_default(),
                },
                sys::YAML_SCALAR_EVENT => {
                    let s = &e.data.scalar;
                    let bytes = if s.value.is_null() {
                        &[][..]
                    } else {
                        std::slice::from_raw_parts(s.value, s.length as usize)
                    };
                    Event::Scalar {
                        anchor: cstr(s.anchor),
                        tag: cstr(s.tag),
                        value: String::from_utf8_lossy(bytes).into_owned(),
                        plain_implicit: s.plain_implicit,
                        style: match s.style {
                            sys::YAML_SINGLE_QUOTED_SCALAR_STYLE => ScalarStyle::SingleQuoted,
                            sys::YAML_DOUBLE_QUOTED_SCALAR_STYLE => ScalarStyle::DoubleQuoted,
                            sys::YAML_LITERAL_SCALAR_STYLE => ScalarStyle::Literal,
                            sys::YAML_FOLDED_SCALAR_STYLE => ScalarStyle::Folded,
                            _ => ScalarStyle::Plain,
                        },
                    }
                }
                sys::YAML_SEQUENCE_START_EVENT => Event::SequenceStart {
                    anchor: cstr(e.data.sequence_start.anchor),
                },
                sys::YAML_SEQUENCE_END_EVENT => Event::SequenceEnd,
                sys::YAML_MAPPING_START_EVENT => Event::MappingStart {
                    anchor: cstr(e.data.mapping_start.anchor),
                },
                sys::YAML_MAPPING_END_EVENT => Event::MappingEnd,
                _ => Event::StreamEnd,
            };
            sys::yaml_event_delete(ev);
            Ok((out, start, end))
        }
    }
}

/// SAFETY: `p` is null or a NUL-terminated string owned by a live event.
unsafe fn cstr(p: *const u8) -> Option<String> {
    if p.is_null() {
        None
    } else {
        // SAFETY: per the function contract.
        Some(
            unsafe { CStr::from_ptr(p.cast()) }
                .to_string_lossy()
                .into_owned(),
        )
    }
}

impl Drop for Parser {
    fn drop(&mut self) {
        // SAFETY: initialized in `new`, deleted exactly once.
        unsafe { sys::yaml_parser_delete(self.sys.as_mut_ptr()) }
    }
}
