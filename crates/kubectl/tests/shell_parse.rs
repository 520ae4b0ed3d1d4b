//! Parser verdicts (complete / incomplete / bash-exact syntax errors) and the line accumulator.

use expect_test::{expect, Expect};
use ordinal_kubectl::shell::*;

fn verdicts(cases: &[&str], expected: Expect) {
    let mut out = String::new();
    for c in cases {
        let v = match parse_input(c, Dialect::Bash) {
            Input::Complete(s) => format!("complete ({} and-or lists)\n", s.body.len()),
            Input::Incomplete(i) => format!("incomplete: {i:?}\n"),
            Input::Error(e) => format!("error: {e}"),
        };
        out.push_str(&format!("{c:?} => {v}"));
    }
    expected.assert_eq(&out);
}

#[test]
fn complete_incomplete_and_errors() {
    verdicts(
        &[
            "",
            "# only a comment",
            "echo hi",
            "echo a; echo b && echo c || echo d",
            "for i in 0 1; do echo $i; done",
            "for i in 0 1; do",
            "for i in 0 1; do\n  echo $i\n",
            "for i in 0 1\n",
            "while true; do :; done",
            "if true; then",
            "if true; then echo; else",
            "{ echo",
            "( echo",
            "echo $(echo",
            "echo 'abc",
            "echo \"abc",
            "echo `abc",
            "echo ${A",
            "echo a \\",
            "echo a &&",
            "echo a ||",
            "echo a |",
            "! ",
            "cat <<EOF",
            "cat <<EOF\nbody",
            "cat <<EOF\nbody\nEOF",
            "cat <<EOF; echo after\nbody\nEOF",
            "cat <<A <<B\na\nA\nb\nB",
            "done",
            "fi",
            "then",
            "}",
            ")",
            ";",
            ";;",
            "echo a; ;",
            "echo a | | b",
            "echo a && && b",
            "echo >",
            "echo > ;",
            "for i in 1; do done",
            "if; then fi",
            "for 1x in a; do :; done",
            "for i in 1 2; echo; done",
            "echo ${A:x}",
            "echo ${}",
            "echo )",
            "echo a >& file",
            "echo 'it''s' \"nested $(echo \"inner $(echo deep)\")\"",
        ],
        expect![[r##"
            "" => complete (0 and-or lists)
            "# only a comment" => complete (0 and-or lists)
            "echo hi" => complete (1 and-or lists)
            "echo a; echo b && echo c || echo d" => complete (2 and-or lists)
            "for i in 0 1; do echo $i; done" => complete (1 and-or lists)
            "for i in 0 1; do" => incomplete: Keyword("done")
            "for i in 0 1; do\n  echo $i\n" => incomplete: Keyword("done")
            "for i in 0 1\n" => incomplete: Keyword("done")
            "while true; do :; done" => complete (1 and-or lists)
            "if true; then" => incomplete: Keyword("fi")
            "if true; then echo; else" => incomplete: Keyword("fi")
            "{ echo" => incomplete: Keyword("}")
            "( echo" => incomplete: Paren
            "echo $(echo" => incomplete: Paren
            "echo 'abc" => incomplete: SingleQuote
            "echo \"abc" => incomplete: DoubleQuote
            "echo `abc" => incomplete: Backquote
            "echo ${A" => incomplete: Keyword("}")
            "echo a \\" => incomplete: Backslash
            "echo a &&" => incomplete: Operator("&&")
            "echo a ||" => incomplete: Operator("||")
            "echo a |" => incomplete: Operator("|")
            "! " => error: bash: syntax error near unexpected token `newline'
            "cat <<EOF" => incomplete: HereDoc("EOF")
            "cat <<EOF\nbody" => incomplete: HereDoc("EOF")
            "cat <<EOF\nbody\nEOF" => complete (1 and-or lists)
            "cat <<EOF; echo after\nbody\nEOF" => complete (2 and-or lists)
            "cat <<A <<B\na\nA\nb\nB" => complete (1 and-or lists)
            "done" => error: bash: syntax error near unexpected token `done'
            "fi" => error: bash: syntax error near unexpected token `fi'
            "then" => error: bash: syntax error near unexpected token `then'
            "}" => error: bash: syntax error near unexpected token `}'
            ")" => error: bash: syntax error near unexpected token `)'
            ";" => error: bash: syntax error near unexpected token `;'
            ";;" => error: bash: syntax error near unexpected token `;;'
            "echo a; ;" => error: bash: syntax error near unexpected token `;'
            "echo a | | b" => error: bash: syntax error near unexpected token `|'
            "echo a && && b" => error: bash: syntax error near unexpected token `&&'
            "echo >" => error: bash: syntax error near unexpected token `newline'
            "echo > ;" => error: bash: syntax error near unexpected token `;'
            "for i in 1; do done" => error: bash: syntax error near unexpected token `done'
            "if; then fi" => error: bash: syntax error near unexpected token `;'
            "for 1x in a; do :; done" => error: bash: `1x': not a valid identifier
            "for i in 1 2; echo; done" => error: bash: syntax error near unexpected token `echo'
            "echo ${A:x}" => error: bash: ${A:x}: bad substitution
            "echo ${}" => error: bash: ${}: bad substitution
            "echo )" => error: bash: syntax error near unexpected token `)'
            "echo a >& file" => complete (1 and-or lists)
            "echo 'it''s' \"nested $(echo \"inner $(echo deep)\")\"" => complete (1 and-or lists)
        "##]],
    );
}

/// What `ordinal shell --echo` would show for pasted tutorial blocks: first lines as `$ `,
/// continuation lines as `> `, blank lines and comments not echoed.
#[test]
fn accumulator_echo_transcript() {
    let pasted = "\
$ for i in 0 1; do
  kubectl exec web-$i -- sh -c 'echo $(hostname) > /usr/share/nginx/html/index.html';
done

$ for i in 0 1; do kubectl exec -it web-$i -- curl localhost; done
# Run this in the dns-test container shell
kubectl apply -f - <<EOF
kind: Service

EOF
echo 'open
quote' \\
  next
echo a |
  grep a
done
echo bad ;;
echo fine";
    let mut acc = Accumulator::new(Dialect::Bash);
    let mut out = String::new();
    for line in pasted.lines() {
        let cont = acc.is_continuing();
        let shown = if cont { line } else { strip_prompt(line) };
        let blank_or_comment =
            !cont && (shown.trim().is_empty() || shown.trim_start().starts_with('#'));
        if !blank_or_comment {
            out.push_str(&format!("{} {shown}\n", if cont { ">" } else { "$" }));
        }
        match acc.push_line(line) {
            Input::Complete(s) if s.is_empty() => {}
            Input::Complete(s) => {
                out.push_str(&format!("   [run {} and-or lists]\n", s.body.len()))
            }
            Input::Incomplete(_) => {}
            Input::Error(e) => out.push_str(&format!("   [{}]\n", e.trim_end())),
        }
    }
    acc.push_line("for x in 1; do");
    out.push_str(&format!(
        "   [eof: {}]\n",
        acc.finish().unwrap_or_default().trim_end()
    ));
    acc.push_line("echo 'x");
    out.push_str(&format!(
        "   [eof: {}]\n",
        acc.finish().unwrap_or_default().trim_end()
    ));
    expect![[r#"
        $ for i in 0 1; do
        >   kubectl exec web-$i -- sh -c 'echo $(hostname) > /usr/share/nginx/html/index.html';
        > done
           [run 1 and-or lists]
        $ for i in 0 1; do kubectl exec -it web-$i -- curl localhost; done
           [run 1 and-or lists]
        $ kubectl apply -f - <<EOF
        > kind: Service
        > 
        > EOF
           [run 1 and-or lists]
        $ echo 'open
        > quote' \
        >   next
           [run 1 and-or lists]
        $ echo a |
        >   grep a
           [run 1 and-or lists]
        $ done
           [bash: syntax error near unexpected token `done']
        $ echo bad ;;
           [bash: syntax error near unexpected token `;;']
        $ echo fine
           [run 1 and-or lists]
           [eof: bash: syntax error: unexpected end of file]
           [eof: bash: unexpected EOF while looking for matching `''
        bash: syntax error: unexpected end of file]
    "#]]
    .assert_eq(&out);
}

#[test]
fn here_document_bodies_and_words() {
    let s = parse("kubectl apply -f - <<EOF\nmetadata:\n  name: $NAME\nEOF\necho next").unwrap();
    assert_eq!(s.body.len(), 2);
    let s = parse("A=b").unwrap();
    let cmd = &s.body[0].first.cmds[0];
    match &cmd.kind {
        CommandKind::Simple(sc) => {
            assert_eq!(sc.assigns.len(), 1);
            assert!(sc.words.is_empty());
        }
        k => panic!("{k:?}"),
    }
}
