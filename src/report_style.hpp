// The stylesheet of the HTML reports (one page, inline CSS, print-friendly).
#pragma once

namespace cogsim::app::report {

extern const char* const kStyle;

}  // namespace cogsim::app::report
