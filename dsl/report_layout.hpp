// The `report` lines of a model, resolved against the outputs and events of its program: what the
// writers headline and how they group the series (engine::ReportPart). One stage, one free
// function, run after the outputs and events are lowered.
#pragma once

#include <vector>

#include "dsl/ast.hpp"
#include "engine/diagnostic.hpp"
#include "engine/ir.hpp"

namespace cogsim::dsl {

// Appends one engine::ReportPart per line to program.report; a name that is neither an output nor
// an event, an unknown kind or a polarity on a series is a located error in diags.
void resolve_report(const std::vector<const ast::ReportDecl*>& lines, engine::Program& program,
                    Diagnostics& diags);

}  // namespace cogsim::dsl
