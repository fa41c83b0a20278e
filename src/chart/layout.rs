//! A chart's layout, for any kind: plotters places the caption, the plot
//! area, the axes and our ticks ([`crate::chart::axes`]) onto a
//! [`SceneBackend`]; then the model's series are drawn as marks
//! ([`crate::chart::marks`]), with reference lines, curves and a legend
//! that avoids them. The result is a [`Scene`] every format draws.

use plotters::prelude::*;

use crate::chart::axes::{self, fit, widest, Frame, TickedAxis};
use crate::chart::marks::{self, Legend};
use crate::chart::model::Model;
use crate::chart::scene::{Ink, Scene, SceneBackend};
use crate::spec::{ChartSpec, Mode, Norm, Scale};
use crate::text::measure;

/// A drawing failure inside plotters (should not happen for valid specs).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DrawError(pub String);

impl<E: std::error::Error + Send + Sync> From<DrawingAreaErrorKind<E>> for DrawError {
    fn from(e: DrawingAreaErrorKind<E>) -> Self {
        DrawError(e.to_string())
    }
}

/// Font sizes and spacing in CSS pixels; multiplied by `dpr`.
pub struct Sizes {
    pub title_px: f32,
    pub label_px: f32,
    pub margin: i32,
    pub tick: i32,
    pub gap: i32,
}

/// Charts smaller than this (CSS pixels, width or height) are drawn compact.
const COMPACT: (u32, u32) = (200, 140);

pub const SIZES: Sizes = Sizes {
    title_px: 16.0,
    label_px: 12.0,
    margin: 12,
    tick: 5,
    gap: 4,
};

/// Lays out `model` as `spec` asks, in device pixels.
pub fn layout(model: &Model, spec: &ChartSpec) -> Result<Scene, DrawError> {
    let (w, h) = spec.pixel_size();
    let s = spec.dpr as i32;
    let sf = spec.dpr as f32;
    let mut scene = Scene::new(w, h);

    // Below about 200x140 CSS pixels text cannot be read: draw a sparkline
    // (bars and guide lines, no title, no labels, no legend).
    let compact = spec.width < COMPACT.0 || spec.height < COMPACT.1;
    let label_px = SIZES.label_px * sf;
    let title_px = SIZES.title_px * sf;
    let label_h = measure("0", label_px).height;
    let xlabel = if compact { "" } else { spec.xlabel.as_str() };
    let ylabel = if compact { "" } else { spec.ylabel.as_str() };
    let x_desc = if xlabel.is_empty() {
        0
    } else {
        label_h + SIZES.gap * s
    };
    let y_desc = if ylabel.is_empty() {
        0
    } else {
        label_h + SIZES.gap * s
    };

    let stacked = spec.mode == Mode::Stack;
    let xlog = model.x_scale == Scale::Log;
    let ylog = spec.yscale == Scale::Log;
    let (x0, x1) = axes::x_domain(model, xlog);
    let (y0, mut y1) = axes::y_domain(model, stacked, ylog);
    let integers = spec.norm == Norm::Count
        && model
            .series
            .iter()
            .all(|s| s.heights.iter().all(|h| h.fract() == 0.0));

    let mut legend = if compact {
        None
    } else {
        Legend::new(model, spec, label_px, s)
    };

    let plot_h = h as i32 - 2 * SIZES.margin * s - label_h - (SIZES.tick + SIZES.gap) * s - x_desc;
    let y_count = (plot_h / (40 * s)).clamp(2, 10) as usize;
    let y_ticks_for = |y1: f64| axes::ticks(y0, y1, y_count, ylog, integers);
    let mut y_ticks = y_ticks_for(y1);
    let plot_w_for = |ticks: &axes::Ticks| {
        w as i32
            - 2 * SIZES.margin * s
            - widest(&ticks.labels, label_px)
            - (SIZES.tick + SIZES.gap) * s
            - y_desc
    };
    let mut plot_w = plot_w_for(&y_ticks);
    // Room above the bars for the legend in a free corner (matplotlib's
    // "best"): the y axis rises until a corner is free, at most twofold.
    if let Some(l) = &mut legend {
        let title_h = if spec.title.is_empty() {
            0
        } else {
            measure("0", title_px).height + SIZES.margin * s
        };
        let plot = (plot_w, plot_h - title_h);
        let raised = l.headroom(model, stacked, (x0, x1), (y0, y1), plot, ylog);
        if raised > y1 {
            y1 = raised;
            y_ticks = y_ticks_for(y1);
            plot_w = plot_w_for(&y_ticks);
        }
    }
    let y_label_w = widest(&y_ticks.labels, label_px);
    let x_ticks = axes::fitted_x_ticks((x0, x1), xlog, plot_w, label_px, s);
    // A label centred on a tick near either end may not leave the canvas.
    let plot_left = w as i32 - SIZES.margin * s - plot_w;
    let x_ticks = axes::inside_canvas(&x_ticks, (x0, x1), plot_left, plot_w, w, label_px);

    let title = fit(&spec.title, title_px, w as i32 - 2 * SIZES.margin * s);

    let frame;
    {
        let backend = SceneBackend { scene: &mut scene };
        let root = backend.into_drawing_area();
        let fg = Ink::Foreground.tag();
        // The family as a value, not "sans-serif": plotters lowercases a
        // name, which links Unicode's case tables (13 KB) into the Worker.
        let label_style =
            TextStyle::from((FontFamily::SansSerif, f64::from(label_px)).into_font()).color(&fg);

        let mut builder = ChartBuilder::on(&root);
        if compact {
            builder.margin(SIZES.margin / 3 * s);
        } else {
            builder
                .margin(SIZES.margin * s)
                .x_label_area_size(label_h + (SIZES.tick + SIZES.gap) * s + x_desc)
                .y_label_area_size(y_label_w + (SIZES.tick + SIZES.gap) * s + y_desc);
        }
        if !compact && !title.is_empty() {
            let title_style =
                TextStyle::from((FontFamily::SansSerif, f64::from(title_px)).into_font())
                    .color(&fg);
            builder.caption(&title, title_style);
        }
        let mut chart = builder.build_cartesian_2d(
            TickedAxis::new(x0..x1, x_ticks.values.clone()),
            TickedAxis::new(y0..y1, y_ticks.values.clone()),
        )?;

        let x_label = |v: &f64| axes::label_for(&x_ticks, *v);
        let y_label = |v: &f64| axes::label_for(&y_ticks, *v);
        chart
            .configure_mesh()
            .disable_x_mesh()
            .bold_line_style(Color::stroke_width(&Ink::Grid.tag(), s as u32))
            .light_line_style(TRANSPARENT)
            .axis_style(Color::stroke_width(&fg, s as u32))
            .set_all_tick_mark_size(SIZES.tick * s)
            .x_labels(x_ticks.values.len())
            .y_labels(y_ticks.values.len())
            .label_style(label_style)
            .x_label_formatter(&x_label)
            .y_label_formatter(&y_label)
            .draw()?;

        frame = Frame::new(
            chart.backend_coord(&(x0, y0)),
            chart.backend_coord(&(x1, y1)),
            (x0, x1),
            (y0, y1),
            (xlog, ylog),
        );
        root.present()?;
    }
    marks::series(&mut scene, model, spec, &frame);
    marks::curves(&mut scene, model, &frame, s);
    let avoid = legend.as_ref().map(|l| l.boxed(&frame));
    if !compact {
        let row = (label_px, label_h + 2 * s);
        marks::rules(&mut scene, model, &frame, row, avoid, s);
    } else {
        marks::rules(&mut scene, model, &frame, (0.0, 0), None, s);
    }
    if let Some(l) = legend {
        l.draw(&mut scene, &frame, s);
    }
    axes::descriptions(&mut scene, &frame, xlabel, ylabel, label_px, (w, h), s);
    Ok(scene)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::chart::marks::{overlaps as meet, Boxed};
    use crate::chart::scene::Mark;
    use crate::spec::{parse_as, Format, RouteKind};

    fn scene_of(q: &str) -> Scene {
        let spec = parse_as(Format::Png, "t", Some(q), RouteKind::Named).unwrap();
        let model = crate::chart::model(&spec, [0; 32], crate::chart::model::Reads::ALL);
        layout(&model, &spec).unwrap()
    }

    /// The legend's frame: the one grid-ink rectangle thicker than a line
    /// both ways (grid lines are a device pixel or `dpr` high).
    fn legend_box(scene: &Scene, s: i32) -> Boxed {
        let frames: Vec<Boxed> = scene
            .marks
            .iter()
            .filter_map(|m| match *m {
                Mark::Rect {
                    ink: Ink::Grid,
                    x0,
                    y0,
                    x1,
                    y1,
                } if x1 - x0 > 2 * s && y1 - y0 > 2 * s => Some(((x0, y0), (x1, y1))),
                _ => None,
            })
            .collect();
        assert_eq!(frames.len(), 1, "one legend frame: {frames:?}");
        frames[0]
    }

    /// The boxes of the texts that start with one of `names` (mark labels),
    /// with where in the scene each is drawn.
    fn label_boxes(scene: &Scene, names: &[&str]) -> Vec<(String, Boxed, usize)> {
        scene
            .marks
            .iter()
            .enumerate()
            .filter_map(|(i, m)| match m {
                Mark::Text { x, y, em, text, .. }
                    if names.iter().any(|n| text.starts_with(&format!("{n} "))) =>
                {
                    let e = measure(text, *em);
                    Some((text.clone(), ((*x, *y), (x + e.width, y + e.height)), i))
                }
                _ => None,
            })
            .collect()
    }

    /// The rectangles drawn after mark `i`.
    fn rects_after(scene: &Scene, i: usize) -> Vec<Boxed> {
        scene.marks[i + 1..]
            .iter()
            .filter_map(|m| match *m {
                Mark::Rect { x0, y0, x1, y1, .. } => Some(((x0, y0), (x1, y1))),
                _ => None,
            })
            .collect()
    }

    /// The mark lines: the full-height rectangles a device pixel or `dpr`
    /// wide (bars are wider, grid lines are flat).
    fn mark_lines(scene: &Scene, f_top: i32, s: i32) -> Vec<Boxed> {
        scene
            .marks
            .iter()
            .filter_map(|m| match *m {
                Mark::Rect { x0, y0, x1, y1, .. }
                    if x1 - x0 == s && y0 == f_top && y1 - y0 > 20 * s =>
                {
                    Some(((x0, y0), (x1, y1)))
                }
                _ => None,
            })
            .collect()
    }

    /// A label's box (the background drawn under it) hides no other mark's
    /// line when one side of its own line is clear: a mean and a median a
    /// few pixels apart put the mean's label on the left. Each case has
    /// marks closer than a label is wide, at dpr 1, 2 and 3.
    #[test]
    fn mark_labels_hide_no_other_line() {
        let names = ["mean", "median", "p5", "p95"];
        let cases = [
            // A right tail: the median (5.5) a label's width left of the mean (6.5).
            "values=1,2,3,4,5,6,7,8,9,20&marks=median,mean,p5,p95",
            "values=1,2,3,4,5,6,7,8,9,30&marks=median,mean&dpr=2",
            "values=1,2,3,4,5,6,7,8,9,10,10.5&marks=median,mean,p95&dpr=3&w=500&h=300",
            // Two series whose means are a few pixels apart.
            "values=1,2,3,4,5|1.1,2,3,4,5.1&labels=a|b&marks=mean",
        ];
        let mut hidden = Vec::new();
        for q in cases {
            let spec = parse_as(Format::Png, "t", Some(q), RouteKind::Named).unwrap();
            let s = spec.dpr as i32;
            let scene = scene_of(q);
            let labels = label_boxes(&scene, &names);
            assert!(labels.len() >= 2, "{q}: labels drawn: {labels:?}");
            let top = labels.iter().map(|l| l.1 .0 .1).min().unwrap() - 2 * s;
            let lines = mark_lines(&scene, top, s);
            assert!(lines.len() >= 2, "{q}: mark lines found: {lines:?}");
            for (text, ((x0, y0), (x1, y1)), _) in &labels {
                // The background box: a device pixel wider each side.
                let b = ((x0 - s, *y0), (x1 + s, *y1));
                for l in lines.iter().filter(|l| meet(b, **l)) {
                    hidden.push(format!("{q}: {text:?} {b:?} hides the line {l:?}"));
                }
            }
        }
        assert!(hidden.is_empty(), "{hidden:#?}");
    }

    /// Labels that fit side by side share the top row, above the bars (a
    /// row each would put the later ones over the tallest bars, hiding
    /// their tops); one that meets a label of the row takes the next row
    /// with room, so crowded labels still share rows.
    #[test]
    fn mark_labels_share_rows_when_they_fit() {
        let names = ["mean", "median", "p5", "p45", "p55", "p95"];
        let spread = "values=1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20";
        // (query, labels, fewest rows, most rows)
        for (q, count, fewest, most) in [
            (format!("{spread}&marks=p5,mean,p95"), 3, 1, 1),
            (format!("{spread}&marks=p5,mean,p95&dpr=2"), 3, 1, 1),
            (
                format!("{spread}&marks=p5,mean,p95&dpr=3&w=900&h=400"),
                3,
                1,
                1,
            ),
            // The median on the mean: its label takes the line's left.
            (format!("{spread}&marks=p5,mean,median,p95"), 4, 1, 1),
            // Four marks within two units: not one row, not four.
            (format!("{spread}&marks=mean,median,p45,p55"), 4, 2, 3),
        ] {
            let scene = scene_of(&q);
            let labels = label_boxes(&scene, &names);
            assert_eq!(labels.len(), count, "{q}: {labels:?}");
            let mut ys: Vec<i32> = labels.iter().map(|l| l.1 .0 .1).collect();
            ys.sort_unstable();
            ys.dedup();
            assert!(
                (fewest..=most).contains(&ys.len()),
                "{q}: label rows {ys:?} of {labels:?}"
            );
        }
    }

    /// Mark labels are drawn before the legend, which would cover them: each
    /// keeps clear of the legend's box and of every other label, and no
    /// line is drawn over one. The data put the marks under the legend's
    /// corner (a right tail, so the legend takes the upper right where the
    /// means and p95 sit, or the left).
    #[test]
    fn mark_labels_keep_clear_of_the_legend_and_the_lines() {
        let names = ["mean", "median", "p95", "p5"];
        let cases = [
            // Two right-skewed series: the marks crowd the upper right.
            "values=1,1,1,2,2,3,50,60,70,80,90,95,99|2,2,3,3,4,60,70,85,92,99&labels=first+series|second+series&marks=mean,median,p95&bins=10",
            // Many series and marks at dpr 2 and 3, narrow canvas.
            "values=5,6,7,8,9,9,9,9|1,2,3|7,8,9,9,9,9,9,9&labels=a|b|c&marks=mean,median,p5,p95&w=320&h=240&dpr=2",
            "values=90,91,92,93,94,95,96,97,98,99|80,85,90,95,99,99,99|70,99,99,99&labels=alpha|beta|gamma&marks=mean,p95&mode=stack&dpr=3&w=400&h=300",
            "values=1,2,3,4,99,99,99,99|1,2,99,99,99,99&labels=left+heavy|also&marks=mean,median,p5,p95&mode=side",
        ];
        for q in cases {
            let spec = parse_as(Format::Png, "t", Some(q), RouteKind::Named).unwrap();
            let s = spec.dpr as i32;
            let scene = scene_of(q);
            let legend = legend_box(&scene, s);
            let labels = label_boxes(&scene, &names);
            assert!(!labels.is_empty(), "{q}: labels drawn");
            for (i, (text, b, at)) in labels.iter().enumerate() {
                assert!(
                    !meet(*b, legend),
                    "{q}: {text:?} {b:?} under the legend {legend:?}"
                );
                for (other, c, _) in &labels[i + 1..] {
                    assert!(!meet(*b, *c), "{q}: {text:?} meets {other:?}");
                }
                // Nothing is painted over a label: no later line crosses it.
                for r in rects_after(&scene, *at) {
                    assert!(!meet(*b, r), "{q}: {text:?} {b:?} is crossed by {r:?}");
                }
            }
        }
    }
}
