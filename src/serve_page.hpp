// The page of `cogsim serve`: one self-contained HTML document (no network beyond the server).
#pragma once

#include <string>

namespace cogsim::app::serve {

std::string page_html();

}  // namespace cogsim::app::serve
