// Fusion adaptation of the syntax tree, for the grammar only.
#pragma once

#include <boost/fusion/include/adapt_struct.hpp>

#include "dsl/ast.hpp"

BOOST_FUSION_ADAPT_STRUCT(cogsim::dsl::ast::Number, value, unit)
BOOST_FUSION_ADAPT_STRUCT(cogsim::dsl::ast::Operation, op, rhs)
BOOST_FUSION_ADAPT_STRUCT(cogsim::dsl::ast::Expr, first, rest)
BOOST_FUSION_ADAPT_STRUCT(cogsim::dsl::ast::Ref, name, index)
BOOST_FUSION_ADAPT_STRUCT(cogsim::dsl::ast::Call, fn, args)
BOOST_FUSION_ADAPT_STRUCT(cogsim::dsl::ast::Unary, op, operand)
BOOST_FUSION_ADAPT_STRUCT(cogsim::dsl::ast::If, cond, then_, else_)
BOOST_FUSION_ADAPT_STRUCT(cogsim::dsl::ast::Range, from, to)
BOOST_FUSION_ADAPT_STRUCT(cogsim::dsl::ast::Axis, var, domain)
BOOST_FUSION_ADAPT_STRUCT(cogsim::dsl::ast::Agg, fn, over, body)
BOOST_FUSION_ADAPT_STRUCT(cogsim::dsl::ast::Row, key, cells)
BOOST_FUSION_ADAPT_STRUCT(cogsim::dsl::ast::Attrs, label, source)
BOOST_FUSION_ADAPT_STRUCT(cogsim::dsl::ast::ModelDecl, name, base, years, convention, source)
BOOST_FUSION_ADAPT_STRUCT(cogsim::dsl::ast::ScenarioDecl, name, label)
BOOST_FUSION_ADAPT_STRUCT(cogsim::dsl::ast::Member, name, label)
BOOST_FUSION_ADAPT_STRUCT(cogsim::dsl::ast::SetDecl, name, label, parent, source, members)
BOOST_FUSION_ADAPT_STRUCT(cogsim::dsl::ast::ParamRange, lo, hi)
BOOST_FUSION_ADAPT_STRUCT(cogsim::dsl::ast::ParamDecl, is_override, is_extend, name, axes, unit, attrs, range,
                          fallback, value)
BOOST_FUSION_ADAPT_STRUCT(cogsim::dsl::ast::Clause, when, body)
BOOST_FUSION_ADAPT_STRUCT(cogsim::dsl::ast::VarDecl, is_override, is_extend, name, axes, unit, attrs, clauses,
                          actual)
BOOST_FUSION_ADAPT_STRUCT(cogsim::dsl::ast::FixDecl, verb, name, index, values, source)
BOOST_FUSION_ADAPT_STRUCT(cogsim::dsl::ast::TargetSpec, year, kind, args)
BOOST_FUSION_ADAPT_STRUCT(cogsim::dsl::ast::IndicatorDecl, is_override, is_extend, id, attrs, on, vs, targets)
BOOST_FUSION_ADAPT_STRUCT(cogsim::dsl::ast::EventDecl, is_override, is_extend, name, axes, attrs, body)
BOOST_FUSION_ADAPT_STRUCT(cogsim::dsl::ast::LineAttr, key, text, args, table, from)
BOOST_FUSION_ADAPT_STRUCT(cogsim::dsl::ast::LineDecl, name, label, attrs)
BOOST_FUSION_ADAPT_STRUCT(cogsim::dsl::ast::FundDecl, is_override, is_extend, name, attrs, fund_attrs, lines)
BOOST_FUSION_ADAPT_STRUCT(cogsim::dsl::ast::TransferDecl, amount, from, to, year, source, voted)
BOOST_FUSION_ADAPT_STRUCT(cogsim::dsl::ast::AssertDecl, label, body, within)
BOOST_FUSION_ADAPT_STRUCT(cogsim::dsl::ast::CorrelateDecl, a, b, value, rank, source)
BOOST_FUSION_ADAPT_STRUCT(cogsim::dsl::ast::ReportItem, ref, polarity)
BOOST_FUSION_ADAPT_STRUCT(cogsim::dsl::ast::ReportDecl, kind, title, items)
