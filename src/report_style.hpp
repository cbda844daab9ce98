// The stylesheet of the HTML reports (one page, inline CSS, print-friendly).
#pragma once

namespace cogsim::app::report {

extern const char* const kStyle;

// The print rules of the comparison and sensitivity pages (their own short stylesheets): A4 pages,
// a heading and its introduction kept with what follows, rows, charts and short tables never cut,
// and the scrolling boxes of the screen laid flat (a scrolling box would print cut at the page's edge).
extern const char* const kPagePrint;

// The axes, grid lines, tick labels and legends of the SVG charts (part of kStyle too).
extern const char* const kSvgAxes;

}  // namespace cogsim::app::report
