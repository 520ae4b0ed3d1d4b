//! kubectl's table writer: a port of `github.com/liggitt/tabwriter` (the fork of Go's
//! `text/tabwriter` kubectl vendors, rev 89fcab3d43de) with the `RememberWidths` flag, configured
//! as `k8s.io/cli-runtime/pkg/printers/tabwriter.go` does:
//! minwidth 6, tabwidth 4, padding 3, padchar `' '`, flags `RememberWidths`.
//!
//! Cells are tab-*terminated*: the text after the last `\t` of a line is not part of a column and
//! is never padded. Widths are counted in Unicode scalar values (Go: `utf8.RuneCount`). With
//! `RememberWidths`, the width of each column persists across [`TabWriter::flush`] calls and only
//! grows — this is what keeps `kubectl get pods -w` rows aligned with the header although each
//! watch event is flushed separately.
//!
//! Only the features kubectl uses are ported (no HTML filtering, no escapes, no right alignment,
//! no `Debug`); the formatting algorithm (`format`/`writeLines`) is the upstream one.

/// Flag: remember maximum column widths across flushes (liggitt/tabwriter `RememberWidths`).
pub const REMEMBER_WIDTHS: u32 = 1 << 6;
/// Flag: handle empty columns terminated by soft tabs as if not present (`DiscardEmptyColumns`).
pub const DISCARD_EMPTY_COLUMNS: u32 = 1 << 3;

#[derive(Clone, Copy, Debug, Default)]
struct Cell {
    size: usize,  // bytes
    width: usize, // runes
    htab: bool,
}

/// A Go-`tabwriter`-compatible writer producing a `String`.
#[derive(Clone, Debug)]
pub struct TabWriter {
    minwidth: usize,
    padding: usize,
    padchar: char,
    flags: u32,
    buf: String,
    cell: Cell,
    lines: Vec<Vec<Cell>>,
    widths: Vec<usize>,
    maxwidths: Vec<usize>,
    out: String,
}

impl Default for TabWriter {
    fn default() -> Self {
        Self::kubectl()
    }
}

impl TabWriter {
    /// A writer with explicit parameters (`tabwidth` is irrelevant unless `padchar` is a tab, which
    /// this port does not support).
    pub fn new(minwidth: usize, padding: usize, padchar: char, flags: u32) -> Self {
        let mut w = TabWriter {
            minwidth,
            padding,
            padchar,
            flags,
            buf: String::new(),
            cell: Cell::default(),
            lines: Vec::new(),
            widths: Vec::new(),
            maxwidths: Vec::new(),
            out: String::new(),
        };
        w.reset();
        w
    }

    /// kubectl's table writer (`printers.GetNewTabWriter`): 6, 4, 3, ' ', RememberWidths.
    pub fn kubectl() -> Self {
        Self::new(6, 3, ' ', REMEMBER_WIDTHS)
    }

    /// The 2016 kubectl writer (`tabwriter.NewWriter(out, 10, 4, 3, ' ', 0)`): min width 10, no
    /// remembered widths (watch rows flushed one by one are therefore misaligned).
    pub fn kubectl_2016() -> Self {
        Self::new(10, 3, ' ', 0)
    }

    fn reset(&mut self) {
        self.buf.clear();
        self.cell = Cell::default();
        self.lines.clear();
        self.widths.clear();
        self.lines.push(Vec::new());
    }

    /// The remembered per-column maximum widths (padding included).
    pub fn remembered_widths(&self) -> &[usize] {
        &self.maxwidths
    }

    /// Write text: cells end at `\t` (or `\x0b`), lines at `\n` (or `\x0c`, which also flushes).
    pub fn write_str(&mut self, text: &str) {
        let mut start = 0;
        for (i, ch) in text.char_indices() {
            match ch {
                '\t' | '\u{b}' | '\n' | '\u{c}' => {
                    self.append(&text[start..i]);
                    start = i + 1;
                    let ncells = self.terminate_cell(ch == '\t');
                    if ch == '\n' || ch == '\u{c}' {
                        self.lines.push(Vec::new());
                        if ch == '\u{c}' || ncells == 1 {
                            self.flush_internal();
                        }
                    }
                }
                _ => {}
            }
        }
        self.append(&text[start..]);
    }

    /// Write one row: the cells joined by tabs, then a newline (what kubectl's printers do).
    pub fn write_row<S: AsRef<str>>(&mut self, cells: &[S]) {
        let mut line = String::new();
        for (i, c) in cells.iter().enumerate() {
            if i > 0 {
                line.push('\t');
            }
            line.push_str(c.as_ref());
        }
        line.push('\n');
        self.write_str(&line);
    }

    fn append(&mut self, text: &str) {
        self.buf.push_str(text);
        self.cell.size += text.len();
        self.cell.width += text.chars().count();
    }

    fn terminate_cell(&mut self, htab: bool) -> usize {
        self.cell.htab = htab;
        let line = self.lines.last_mut().expect("at least one line");
        line.push(self.cell);
        self.cell = Cell::default();
        line.len()
    }

    /// Format everything buffered so far and append it to the output. Remembered widths survive.
    pub fn flush(&mut self) {
        self.flush_internal();
    }

    fn flush_internal(&mut self) {
        if self.cell.size > 0 {
            self.terminate_cell(false);
        }
        let n = self.lines.len();
        self.format(0, 0, n);
        self.reset();
    }

    /// Take the text produced by flushes so far.
    pub fn take_output(&mut self) -> String {
        std::mem::take(&mut self.out)
    }

    /// Flush and return all output (convenience for one-shot tables).
    pub fn finish(mut self) -> String {
        self.flush();
        self.out
    }

    fn write_padding(&mut self, textw: usize, cellw: usize) {
        for _ in textw..cellw {
            self.out.push(self.padchar);
        }
    }

    fn write_lines(&mut self, pos0: usize, line0: usize, line1: usize) -> usize {
        let mut pos = pos0;
        for i in line0..line1 {
            let ncells = self.lines[i].len();
            for j in 0..ncells {
                let c = self.lines[i][j];
                if c.size == 0 {
                    if j < self.widths.len() {
                        let w = self.widths[j];
                        self.write_padding(c.width, w);
                    }
                } else {
                    let (start, end) = (pos, pos + c.size);
                    self.out.push_str(&self.buf[start..end]);
                    pos = end;
                    if j < self.widths.len() {
                        let w = self.widths[j];
                        self.write_padding(c.width, w);
                    }
                }
            }
            if i + 1 == self.lines.len() {
                let end = pos + self.cell.size;
                self.out.push_str(&self.buf[pos..end]);
                pos = end;
            } else {
                self.out.push('\n');
            }
        }
        pos
    }

    fn format(&mut self, pos0: usize, mut line0: usize, line1: usize) -> usize {
        let mut pos = pos0;
        let column = self.widths.len();
        let mut this = line0;
        while this < line1 {
            if column + 1 >= self.lines[this].len() {
                this += 1;
                continue;
            }
            pos = self.write_lines(pos, line0, this);
            line0 = this;

            let mut width = self.minwidth;
            let mut discardable = true;
            while this < line1 {
                let line = &self.lines[this];
                if column + 1 >= line.len() {
                    break;
                }
                let c = line[column];
                width = width.max(c.width + self.padding);
                if c.width > 0 || c.htab {
                    discardable = false;
                }
                this += 1;
            }
            if discardable && self.flags & DISCARD_EMPTY_COLUMNS != 0 {
                width = 0;
            }
            if self.flags & REMEMBER_WIDTHS != 0 {
                if self.maxwidths.len() < self.widths.len() {
                    let from = self.maxwidths.len();
                    let extra: Vec<usize> = self.widths[from..].to_vec();
                    self.maxwidths.extend(extra);
                }
                let k = self.widths.len();
                if self.maxwidths.len() == k {
                    self.maxwidths.push(width);
                } else if self.maxwidths[k] > width {
                    width = self.maxwidths[k];
                } else if self.maxwidths[k] < width {
                    self.maxwidths[k] = width;
                }
            }
            self.widths.push(width);
            pos = self.format(pos, line0, this);
            self.widths.pop();
            line0 = this;
        }
        self.write_lines(pos, line0, line1)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn basic_table() {
        let mut w = TabWriter::kubectl();
        w.write_str("NAME\tREADY\tSTATUS\tRESTARTS\tAGE\n");
        w.write_str("web-0\t1/1\tRunning\t0\t1m\n");
        w.write_str("web-1\t1/1\tRunning\t0\t58s\n");
        expect_test::expect![[r#"
            NAME    READY   STATUS    RESTARTS   AGE
            web-0   1/1     Running   0          1m
            web-1   1/1     Running   0          58s
        "#]]
        .assert_eq(&w.finish());
    }

    #[test]
    fn min_width_and_empty_cells() {
        let mut w = TabWriter::kubectl();
        w.write_row(&["A", "", "C"]);
        w.write_row(&["", "bb", ""]);
        let out = w.finish();
        assert_eq!(out, "A           C\n      bb    \n");
    }

    /// `kubectl get pods -w`: header + initial list in one flush, then one flush per watch event.
    /// Later rows keep the columns of the first flush; a wider cell widens that column from then on.
    #[test]
    fn watch_remember_widths() {
        let mut w = TabWriter::kubectl();
        w.write_row(&["NAME", "READY", "STATUS", "RESTARTS", "AGE"]);
        w.write_row(&["web-0", "1/1", "Running", "0", "19s"]);
        w.flush();
        for row in [
            ["web-1", "0/1", "Pending", "0", "0s"],
            ["web-1", "0/1", "Pending", "0", "0s"],
            ["web-1", "0/1", "ContainerCreating", "0", "0s"],
            ["web-1", "1/1", "Running", "0", "18s"],
        ] {
            w.write_row(&row);
            w.flush();
        }
        expect_test::expect![[r#"
            NAME    READY   STATUS    RESTARTS   AGE
            web-0   1/1     Running   0          19s
            web-1   0/1     Pending   0          0s
            web-1   0/1     Pending   0          0s
            web-1   0/1     ContainerCreating   0          0s
            web-1   1/1     Running             0          18s
        "#]]
        .assert_eq(&w.take_output());
        assert_eq!(w.remembered_widths(), &[8, 8, 20, 11]);
    }

    /// 2016 kubectl: min width 10, no remembered widths — each flushed row is aligned on its own.
    #[test]
    fn watch_2016_ragged() {
        let mut w = TabWriter::kubectl_2016();
        w.write_row(&["NAME", "READY", "STATUS", "RESTARTS", "AGE"]);
        w.write_row(&["web-0", "1/1", "Running", "0", "10m"]);
        w.flush();
        w.write_row(&["web-1", "0/1", "ContainerCreating", "0", "0s"]);
        w.flush();
        expect_test::expect![[r#"
            NAME      READY     STATUS    RESTARTS   AGE
            web-0     1/1       Running   0          10m
            web-1     0/1       ContainerCreating   0         0s
        "#]]
        .assert_eq(&w.take_output());
    }

    #[test]
    fn ragged_rows_and_trailing_text() {
        // Upstream semantics: columns are blocks of contiguous lines having that cell.
        let mut w = TabWriter::new(0, 1, '.', 0);
        w.write_str("aaaa\tbbb\td\naa\tb\tdd\na\t\naa\tcccc\teee\n");
        expect_test::expect![[r#"
            aaaa.bbb.d
            aa...b...dd
            a....
            aa...cccc.eee
        "#]]
        .assert_eq(&w.finish());
    }

    #[test]
    fn unicode_widths_are_runes() {
        let mut w = TabWriter::kubectl();
        w.write_row(&["ÄÖÜ", "x"]);
        w.write_row(&["ab", "y"]);
        assert_eq!(w.finish(), "ÄÖÜ   x\nab    y\n");
    }

    #[test]
    fn unterminated_last_line_is_emitted_on_flush() {
        let mut w = TabWriter::kubectl();
        w.write_str("a\tb\nc\td");
        assert_eq!(w.finish(), "a     b\nc     d");
    }
}
