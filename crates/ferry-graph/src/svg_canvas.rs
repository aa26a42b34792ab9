//! The SVG drawing surface behind [`crate::to_svg`]: a `layout-rs` render backend that
//! writes deterministic SVG (no hash-ordered styles, numbers with one decimal) and
//! draws ferry's node shapes (diamond, octagon, note, 3-D box) from a style table it
//! owns. Every piece of text goes through [`xml_text`]; attributes are built only from
//! numbers, ids ferry made and the fixed colour names below, so input text cannot
//! form markup.

use std::fmt::Write;

use layout::core::format::{ClipHandle, RenderBackend};
use layout::core::geometry::Point;
use layout::core::style::StyleAttr;

/// Rendered font size per layout font unit: layout-rs sizes boxes at one font unit
/// per character, real glyphs are narrower, so text is drawn larger than it was
/// measured.
pub const TEXT_SCALE: f64 = 1.6;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Shape {
    Box,
    Diamond,
    Octagon,
    DoubleOctagon,
    Box3d,
    Note,
    /// A pipeline title: text only.
    Title,
}

/// How one node is drawn (indexed by the element's `properties`).
#[derive(Debug, Clone)]
pub struct NodeStyle {
    pub id: String,
    pub shape: Shape,
    pub fill: &'static str,
}

/// How one edge is drawn (indexed by the arrow's `properties`).
#[derive(Debug, Clone, Copy)]
pub struct EdgeStyle {
    pub color: &'static str,
    pub dash: Option<&'static str>,
    pub width: f64,
}

/// Colours used by edges; each gets its own arrow-head marker.
pub const EDGE_COLORS: &[&str] = &["black", "steelblue", "red"];

#[derive(Debug, Default)]
pub struct Canvas {
    pub nodes: Vec<NodeStyle>,
    pub edges: Vec<EdgeStyle>,
    body: String,
    max: (f64, f64),
}

/// Text safe inside an XML element or attribute: markup characters become entities,
/// characters XML 1.0 forbids become spaces.
pub fn xml_text(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            '\t' => out.push(' '),
            c if (c as u32) < 0x20 || c == '\u{fffe}' || c == '\u{ffff}' => out.push(' '),
            c => out.push(c),
        }
    }
    out
}

fn n(v: f64) -> String {
    let r = (v * 10.0).round() / 10.0;
    if r == 0.0 { "0".into() } else { format!("{r}") }
}

fn points(pts: &[(f64, f64)]) -> String {
    pts.iter()
        .map(|(x, y)| format!("{},{}", n(*x), n(*y)))
        .collect::<Vec<_>>()
        .join(" ")
}

impl Canvas {
    fn grow(&mut self, x: f64, y: f64) {
        self.max.0 = self.max.0.max(x);
        self.max.1 = self.max.1.max(y);
    }

    fn index(properties: &Option<String>) -> Option<usize> {
        properties.as_deref()?.parse().ok()
    }

    /// The finished document.
    pub fn finish(&self, title: &str) -> String {
        let (w, h) = (self.max.0 + 20.0, self.max.1 + 20.0);
        let mut out = String::new();
        let _ = writeln!(
            out,
            "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{}\" height=\"{}\" viewBox=\"0 0 {} {}\" role=\"img\">",
            n(w),
            n(h),
            n(w),
            n(h)
        );
        let _ = writeln!(out, "<title>{}</title>", xml_text(title));
        out.push_str("<style>text { font-family: Helvetica, Arial, sans-serif; } .title { font-weight: bold; }</style>\n<defs>\n");
        for color in EDGE_COLORS {
            let _ = writeln!(
                out,
                "<marker id=\"head-{color}\" markerWidth=\"10\" markerHeight=\"7\" refX=\"10\" refY=\"3.5\" orient=\"auto\"><polygon points=\"0 0, 10 3.5, 0 7\" fill=\"{color}\"/></marker>"
            );
        }
        out.push_str("</defs>\n");
        let _ = writeln!(
            out,
            "<rect x=\"0\" y=\"0\" width=\"{}\" height=\"{}\" fill=\"white\"/>",
            n(w),
            n(h)
        );
        out.push_str(&self.body);
        out.push_str("</svg>\n");
        out
    }

    fn shape(&mut self, style: &NodeStyle, xy: Point, size: Point) {
        let (x, y, w, h) = (xy.x, xy.y, size.x, size.y);
        let (cx, cy) = (x + w / 2.0, y + h / 2.0);
        let stroke = "stroke=\"black\" stroke-width=\"1\"";
        let fill = style.fill;
        let _ = write!(self.body, "<g class=\"node\" id=\"{}\">", style.id);
        match style.shape {
            Shape::Title => {}
            Shape::Box => {
                let _ = write!(
                    self.body,
                    "<rect x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" rx=\"8\" fill=\"{fill}\" {stroke}/>",
                    n(x),
                    n(y),
                    n(w),
                    n(h)
                );
            }
            Shape::Diamond => {
                let (rx, ry) = (w / 2.0 + 14.0, h / 2.0 + 10.0);
                let pts = [(cx, cy - ry), (cx + rx, cy), (cx, cy + ry), (cx - rx, cy)];
                self.grow(cx + rx, cy + ry);
                let _ = write!(
                    self.body,
                    "<polygon points=\"{}\" fill=\"{fill}\" {stroke}/>",
                    points(&pts)
                );
            }
            Shape::Octagon | Shape::DoubleOctagon => {
                let rings: &[f64] = if style.shape == Shape::DoubleOctagon {
                    &[0.0, 4.0]
                } else {
                    &[0.0]
                };
                for (i, grow) in rings.iter().enumerate() {
                    let (x0, y0, x1, y1) = (x - grow, y - grow, x + w + grow, y + h + grow);
                    let c = (h / 3.0).min(w / 4.0);
                    let pts = [
                        (x0 + c, y0),
                        (x1 - c, y0),
                        (x1, y0 + c),
                        (x1, y1 - c),
                        (x1 - c, y1),
                        (x0 + c, y1),
                        (x0, y1 - c),
                        (x0, y0 + c),
                    ];
                    let f = if i == 0 { fill } else { "none" };
                    let _ = write!(
                        self.body,
                        "<polygon points=\"{}\" fill=\"{f}\" {stroke}/>",
                        points(&pts)
                    );
                }
            }
            Shape::Box3d => {
                let d = 5.0;
                let back = [(x + d, y - d), (x + w + d, y - d), (x + w + d, y + h - d)];
                let _ = write!(
                    self.body,
                    "<polyline points=\"{}\" fill=\"none\" {stroke}/>",
                    points(&back)
                );
                let _ = write!(
                    self.body,
                    "<rect x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" fill=\"{fill}\" {stroke}/>",
                    n(x),
                    n(y),
                    n(w),
                    n(h)
                );
            }
            Shape::Note => {
                let f = 10.0;
                let pts = [
                    (x, y),
                    (x + w - f, y),
                    (x + w, y + f),
                    (x + w, y + h),
                    (x, y + h),
                ];
                let _ = write!(
                    self.body,
                    "<polygon points=\"{}\" fill=\"{fill}\" {stroke}/>",
                    points(&pts)
                );
            }
        }
        self.body.push_str("</g>\n");
    }
}

impl RenderBackend for Canvas {
    fn draw_rect(
        &mut self,
        xy: Point,
        size: Point,
        _look: &StyleAttr,
        properties: Option<String>,
        _clip: Option<ClipHandle>,
    ) {
        self.grow(xy.x + size.x, xy.y + size.y);
        if let Some(style) = Self::index(&properties).and_then(|i| self.nodes.get(i).cloned()) {
            self.shape(&style, xy, size);
        }
    }

    fn draw_line(
        &mut self,
        start: Point,
        stop: Point,
        _look: &StyleAttr,
        _properties: Option<String>,
    ) {
        self.grow(start.x.max(stop.x), start.y.max(stop.y));
        let _ = writeln!(
            self.body,
            "<line x1=\"{}\" y1=\"{}\" x2=\"{}\" y2=\"{}\" stroke=\"black\"/>",
            n(start.x),
            n(start.y),
            n(stop.x),
            n(stop.y)
        );
    }

    fn draw_circle(
        &mut self,
        _xy: Point,
        _size: Point,
        _look: &StyleAttr,
        _properties: Option<String>,
    ) {
        // ferry draws no circles (only layout-rs's debug mode does).
    }

    fn draw_text(&mut self, xy: Point, text: &str, look: &StyleAttr) {
        let size = look.font_size as f64 * TEXT_SCALE;
        let lines: Vec<&str> = text.split('\n').collect();
        let line_height = size * 1.2;
        let first = xy.y - line_height * (lines.len() as f64 - 1.0) / 2.0 + size * 0.35;
        let title = look.line_width == 0;
        let _ = write!(
            self.body,
            "<text x=\"{}\" y=\"{}\" font-size=\"{}\" fill=\"{}\" text-anchor=\"middle\"{}>",
            n(xy.x),
            n(first),
            n(size),
            // Hex digits only.
            look.line_color.to_web_color(),
            if title { " class=\"title\"" } else { "" }
        );
        for (i, line) in lines.iter().enumerate() {
            let dy = if i == 0 { 0.0 } else { line_height };
            let _ = write!(
                self.body,
                "<tspan x=\"{}\" dy=\"{}\">{}</tspan>",
                n(xy.x),
                n(dy),
                xml_text(line)
            );
        }
        self.body.push_str("</text>\n");
    }

    fn draw_arrow(
        &mut self,
        path: &[(Point, Point)],
        _dashed: bool,
        head: (bool, bool),
        _look: &StyleAttr,
        properties: Option<String>,
        text: &str,
    ) {
        let Some(style) = Self::index(&properties).and_then(|i| self.edges.get(i).copied()) else {
            return;
        };
        if path.len() < 2 {
            return;
        }
        for (a, b) in path {
            self.grow(a.x.max(b.x), a.y.max(b.y));
        }
        let mut d = format!(
            "M {} {} C {} {}, {} {}, {} {}",
            n(path[0].0.x),
            n(path[0].0.y),
            n(path[0].1.x),
            n(path[0].1.y),
            n(path[1].0.x),
            n(path[1].0.y),
            n(path[1].1.x),
            n(path[1].1.y)
        );
        for p in &path[2..] {
            let _ = write!(d, " S {} {}, {} {}", n(p.0.x), n(p.0.y), n(p.1.x), n(p.1.y));
        }
        let dash = style
            .dash
            .map(|d| format!(" stroke-dasharray=\"{d}\""))
            .unwrap_or_default();
        let marker = if head.1 {
            format!(" marker-end=\"url(#head-{})\"", style.color)
        } else {
            String::new()
        };
        let _ = writeln!(
            self.body,
            "<path class=\"edge\" d=\"{d}\" fill=\"none\" stroke=\"{}\" stroke-width=\"{}\"{dash}{marker}/>",
            style.color,
            n(style.width)
        );
        if !text.is_empty() {
            let mid = path[path.len() / 2].0;
            let look = StyleAttr::new(layout::core::color::Color::fast("black"), 1, None, 0, 7);
            self.draw_text(mid, text, &look);
        }
    }

    fn create_clip(&mut self, _xy: Point, _size: Point, _rounded_px: usize) -> ClipHandle {
        0
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn markup_and_forbidden_characters_are_neutralised() {
        assert_eq!(
            super::xml_text("<a href='x'>&\"\u{1}\u{ffff}"),
            "&lt;a href=&apos;x&apos;&gt;&amp;&quot;  "
        );
    }
}
