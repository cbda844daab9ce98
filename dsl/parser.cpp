// The grammar of the rules language (Boost.Spirit X3). This is the only translation unit that
// instantiates X3 parsers; docs/language.md describes the same grammar for people.
#include "dsl/parser.hpp"

#include <boost/spirit/home/x3.hpp>
#include <cstdlib>
#include <cstring>
#include <deque>

#include "dsl/ast_adapted.hpp"
#include "dsl/suggest.hpp"

namespace cogsim::dsl {
namespace x3 = boost::spirit::x3;
using It = std::string::const_iterator;

namespace grammar {

struct position_tag;
struct Position {
  It begin;
  std::uint32_t file;
  int depth = 0;  // expressions being parsed, one inside the other (see `nested`)
};

// Thrown where an expression nests deeper than kMaxNesting (a located error, not a stack overflow
// in this recursive-descent parser or in the checker's passes over the tree).
struct TooDeep {
  It where;
};
// Thrown at a decimal comma between digits in a table row (`2022: 1,5 %`).
struct DecimalComma {
  It number, comma;
};

// Stamps the source range on every node that derives from ast::Node.
struct annotate {
  template <typename Iterator, typename Attr, typename Context>
  void on_success(Iterator const& first, Iterator const& last, Attr& attr, Context const& ctx) {
    if constexpr (std::is_base_of_v<ast::Node, Attr>) {
      const Position& p = x3::get<position_tag>(ctx).get();
      attr.loc.file = p.file;
      attr.loc.offset = static_cast<std::uint32_t>(first - p.begin);
      attr.loc.length = static_cast<std::uint32_t>(last - first);
    }
    if constexpr (std::is_same_v<ast::Number, Attr>) attr.spelling.assign(first, last);
  }
};

// Yields the current byte offset (after skipping) without consuming input. Rules whose right
// side has a semantic action get no on_success call, so they stamp their position with this.
struct offset_parser : x3::parser<offset_parser> {
  using attribute_type = std::uint32_t;
  static bool const has_attribute = true;
  template <typename Iterator, typename Context, typename RContext, typename Attribute>
  bool parse(Iterator& first, Iterator const& last, Context const& ctx, RContext&, Attribute& attr) const {
    x3::skip_over(first, last, ctx);
    const Position& p = x3::get<position_tag>(ctx).get();
    x3::traits::move_to(static_cast<std::uint32_t>(first - p.begin), attr);
    return true;
  }
};
const offset_parser offset{};

// nested[p]: p, one level deeper; past kMaxNesting levels, throws TooDeep. Every recursion of the
// expression grammar goes through unary_expr, which is the one parser wrapped in it.
template <typename Subject>
struct depth_guard : x3::unary_parser<Subject, depth_guard<Subject>> {
  using base_type = x3::unary_parser<Subject, depth_guard<Subject>>;
  static bool const is_pass_through_unary = true;
  constexpr depth_guard(Subject const& subject) : base_type(subject) {}
  template <typename Iterator, typename Context, typename RContext, typename Attribute>
  bool parse(Iterator& first, Iterator const& last, Context const& ctx, RContext& rctx, Attribute& attr) const {
    Position& p = x3::get<position_tag>(ctx).get();
    if (p.depth >= kMaxNesting) {
      Iterator where = first;
      x3::skip_over(where, last, ctx);
      throw TooDeep{where};
    }
    ++p.depth;
    struct Leave {
      int& depth;
      ~Leave() { --depth; }
    } leave{p.depth};
    return this->subject.parse(first, last, ctx, rctx, attr);
  }
};
struct nested_gen {
  template <typename Subject>
  constexpr auto operator[](Subject const& subject) const {
    return depth_guard<typename x3::extension::as_parser<Subject>::value_type>{x3::as_parser(subject)};
  }
};
constexpr nested_gen nested{};

// Right after a number in a table row: a comma followed at once by a digit is a decimal comma.
struct decimal_comma_parser : x3::parser<decimal_comma_parser> {
  using attribute_type = x3::unused_type;
  static bool const has_attribute = false;
  template <typename Iterator, typename Context, typename RContext, typename Attribute>
  bool parse(Iterator& first, Iterator const& last, Context const&, RContext&, Attribute&) const {
    if (first != last && *first == ',' && first + 1 != last && first[1] >= '0' && first[1] <= '9')
      throw DecimalComma{first, first};
    return true;
  }
};
const decimal_comma_parser no_decimal_comma{};

template <typename Ctx>
ast::Loc loc_at(const Ctx& ctx, std::uint32_t offset, std::size_t length) {
  return {x3::get<position_tag>(ctx).get().file, offset, static_cast<std::uint32_t>(length)};
}

using x3::attr;
using x3::char_;
using x3::eol;
using x3::lexeme;
using x3::lit;
using x3::matches;
using x3::raw;
using x3::repeat;

// as<T>("what")[p] (not in Boost 1.74): parse p into an attribute of type T; "what" names it in
// messages ("expected what"), where X3 would print p's C++ type.
template <typename T>
struct as_type {
  const char* name = "a value";
  constexpr as_type operator()(const char* what) const { return {what}; }
  template <typename P>
  constexpr auto operator[](P p) const {
    return x3::rule<struct as_tag, T>{name} = x3::as_parser(p);
  }
};
template <typename T>
constexpr as_type<T> as{};

// ASCII classes. X3's alpha/alnum/digit/space pass a byte to <cctype> as a (negative) int when
// it is not ASCII: undefined behaviour, and an assertion in a debug build of Boost.
const auto alpha = char_("a-zA-Z");
const auto digit = char_("0-9");
const auto idchar = char_("a-zA-Z0-9_");
// A keyword, named so that "expected 'years'" reads as such in messages.
inline const char* quoted(const char* s) {
  static std::deque<std::string> names;  // stable addresses for the rules' names
  names.push_back(std::string("'") + s + "'");
  return names.back().c_str();
}
struct keyword_tag;
inline auto kw(const char* s) {
  return x3::rule<keyword_tag>{quoted(s)} = lexeme[lit(s) >> !idchar];
}
inline auto kws(const char* s) { return lexeme[x3::string(s) >> !idchar]; }

// A word of the keyword table (dsl/parser.hpp) at this point, as a whole word: names cannot be
// keywords, so an unfinished expression stops at the next statement instead of swallowing it.
struct reserved_parser : x3::parser<reserved_parser> {
  using attribute_type = x3::unused_type;
  static bool const has_attribute = false;
  template <typename Iterator, typename Context, typename RContext, typename Attribute>
  bool parse(Iterator& first, Iterator const& last, Context const&, RContext&, Attribute&) const {
    Iterator end = first;
    while (end != last && is_word_char(*end)) ++end;
    if (end == first) return false;
    if (!keyword_at(std::string_view(&*first, static_cast<std::size_t>(end - first)))) return false;
    first = end;
    return true;
  }
};
const reserved_parser reserved{};

#define RULE(name, attr_type, text)            \
  struct name##_class : annotate {};           \
  const x3::rule<name##_class, attr_type> name = text;

RULE(ident, ast::Ident, "a name")
RULE(idnum, ast::Ident, "a name or a number")
RULE(unit_word, ast::Ident, "a unit or a set name")
RULE(number_value, double, "a number")
RULE(unit, std::string, "a unit")
RULE(expr_list, std::vector<ast::Expr>, "an expression")
RULE(axis_list, std::vector<ast::Axis>, "an index such as `e in entities` or `t in 2020..2024`")
RULE(range_list, std::vector<ast::Range>, "year ranges such as 2022..2024, 2025..2027")
RULE(cell_list, std::vector<ast::Cell>, "a table value")
RULE(target_list, std::vector<ast::TargetSpec>, "a target such as `2022: reduce_deficit(40 %)`")
RULE(ref_list, std::vector<ast::Ref>, "a name")
RULE(number, ast::Number, "a number")
RULE(signed_number, ast::Number, "a number")
RULE(string_lit, std::string, "a string in double quotes")
RULE(expr, ast::Expr, "an expression")
RULE(or_expr, ast::Expr, "an expression")
RULE(and_expr, ast::Expr, "an expression")
RULE(cmp_expr, ast::Expr, "an expression")
RULE(add_expr, ast::Expr, "an expression")
RULE(mul_expr, ast::Expr, "an expression")
RULE(pow_expr, ast::Expr, "an expression")
RULE(unary_expr, ast::Operand, "an expression")
RULE(unary, ast::Unary, "an expression")
RULE(primary, ast::Operand, "an expression")
RULE(paren, ast::Expr, "an expression")
RULE(ref, ast::Ref, "a name")
RULE(index_list, std::vector<ast::Expr>, "indices in brackets")
RULE(arg_list, std::vector<ast::Expr>, "arguments in parentheses")
RULE(call, ast::Call, "a function call")
RULE(if_expr, ast::If, "an if expression")
RULE(agg, ast::Agg, "sum(...) or prod(...)")
RULE(range, ast::Range, "a year range such as 2022..2024")
RULE(year_or_range, ast::Range, "a year or a year range")
RULE(domain, ast::Domain, "a set name or a year range")
RULE(axis, ast::Axis, "an index such as `e in entities` or `t in 2020..2024`")
RULE(axes, std::vector<ast::Axis>, "a list of indices in brackets")
RULE(cell, ast::Cell, "a table value")
RULE(row, ast::Row, "a table row such as `2022: 1.5 %`")
RULE(row_key, ast::Cell, "a year or a member")
RULE(rows, std::vector<ast::Row>, "table rows")
RULE(table, ast::Table, "a table ({ ... } or csv \"FILE\")")
RULE(attrs, ast::Attrs, "a label or a source")
RULE(model_decl, ast::ModelDecl, "a model declaration")
RULE(include_decl, ast::IncludeDecl, "an include")
RULE(extends_decl, ast::ExtendsDecl, "extends")
RULE(scenario_decl, ast::ScenarioDecl, "a scenario declaration")
RULE(member, ast::Member, "a set member")
RULE(set_decl, ast::SetDecl, "a set declaration")
RULE(param_value, ast::ParamValue, "a value or a table")
RULE(param_range, ast::ParamRange, "a range such as `range 0 % .. 8 %`")
RULE(param_decl, ast::ParamDecl, "a param declaration")
RULE(clause, ast::Clause, "a clause such as `2022..2024: expression`")
RULE(single_clause, std::vector<ast::Clause>, "an expression")
RULE(var_decl, ast::VarDecl, "a var declaration")
RULE(fix_decl, ast::FixDecl, "a fix declaration")
RULE(target, ast::TargetSpec, "a target such as `2022: reduce_deficit(40 %)`")
RULE(indicator_decl, ast::IndicatorDecl, "an indicator declaration")
RULE(event_decl, ast::EventDecl, "an event declaration")
RULE(line_attr, ast::LineAttr, "a budget line attribute")
RULE(line_decl, ast::LineDecl, "a budget line")
RULE(fund_decl, ast::FundDecl, "a fund declaration")
RULE(transfer_decl, ast::TransferDecl, "a transfer")
RULE(output_decl, ast::OutputDecl, "an output list")
RULE(assert_decl, ast::AssertDecl, "an assert")
RULE(correlate_decl, ast::CorrelateDecl, "a correlation")
RULE(report_item, ast::ReportItem, "an output or an event")
RULE(report_decl, ast::ReportDecl, "a report line")
RULE(report_item_list, std::vector<ast::ReportItem>, "an output or an event")
RULE(statement, ast::Statement, "a statement")
#undef RULE

const auto set_name = [](auto& ctx) {
  auto& a = x3::_attr(ctx);
  auto& v = x3::_val(ctx);
  v.name = std::move(boost::fusion::at_c<1>(a));
  v.loc = loc_at(ctx, boost::fusion::at_c<0>(a), v.name.size());
};
const auto to_double = [](auto& ctx) {
  std::string s;
  for (char c : x3::_attr(ctx))
    if (c != ' ') s += c;
  x3::_val(ctx) = std::strtod(s.c_str(), nullptr);
};
const auto negate = [](auto& ctx) {
  x3::_val(ctx) = x3::_attr(ctx);
  x3::_val(ctx).value = -x3::_val(ctx).value;
};

const auto ident_def = (offset >> lexeme[!reserved >> as<std::string>[
                                              (alpha | char_('_')) >>
                                              *(idchar | (char_('.') >> &(alpha | char_('_'))))]])
    [set_name];
const auto idnum_def = (offset >> lexeme[as<std::string>[+(idchar | char_('.'))]])[set_name];
const auto unit_word_def = (offset >> lexeme[as<std::string>[+(~char_(" \t\r\n=\"{}[](),:#"))]])[set_name];

// 26 633 000.50: digits in groups of three may be separated by single spaces.
const auto grouped = repeat(1, 3)[digit] >> +(lit(' ') >> repeat(3)[digit] >> !digit);
const auto number_value_def =
    raw[lexeme[(grouped | +digit) >> -(lit('.') >> +digit) >>
               -(char_("eE") >> -char_("+-") >> +digit)]][to_double];
const auto unit_def = x3::string("Md€") | x3::string("M€") | x3::string("k€") |
                      x3::string("€") | x3::string("%");
const auto number_def = number_value >> (unit | attr(std::string()));
// A rule whose right side has a semantic action does not propagate attributes by itself, so
// each branch assigns explicitly.
const auto copy = [](auto& ctx) { x3::_val(ctx) = x3::_attr(ctx); };
const auto signed_number_def = (lit('-') >> number)[negate] | number[copy];
// Strings may hold \" and \\ (a quote or a backslash).
const auto string_lit_def = lexeme['"' >> *((lit('\\') >> char_("\"\\")) | ~char_("\"\n")) > '"'];

const auto cmp_op = x3::string("<=") | x3::string(">=") | x3::string("==") |
                    x3::string("!=") | x3::string("<") | x3::string(">");

struct or_op_class : annotate {};
struct and_op_class : annotate {};
struct cmp_operation_class : annotate {};
struct add_op_class : annotate {};
struct mul_op_class : annotate {};
struct pow_op_class : annotate {};
x3::rule<or_op_class, ast::Operation> const or_op = "an expression";
x3::rule<and_op_class, ast::Operation> const and_op = "an expression";
x3::rule<cmp_operation_class, ast::Operation> const cmp_operation = "an expression";
x3::rule<add_op_class, ast::Operation> const add_op = "an expression";
x3::rule<mul_op_class, ast::Operation> const mul_op = "an expression";
x3::rule<pow_op_class, ast::Operation> const pow_op = "an expression";
const auto or_op_def = kws("or") > and_expr;
const auto and_op_def = kws("and") > cmp_expr;
const auto cmp_operation_def = cmp_op > add_expr;
const auto add_op_def = (x3::string("+") | x3::string("-")) > mul_expr;
const auto mul_op_def = (x3::string("*") | x3::string("/")) > pow_expr;
const auto pow_op_def = x3::string("^") > unary_expr;

const auto expr_def = or_expr;
const auto or_expr_def = and_expr >> *or_op;
const auto and_expr_def = cmp_expr >> *and_op;
const auto cmp_expr_def = add_expr >> repeat(0, 1)[cmp_operation];
const auto add_expr_def = mul_expr >> *add_op;
const auto mul_expr_def = pow_expr >> *mul_op;
const auto pow_expr_def = unary_expr >> repeat(0, 1)[pow_op];
const auto unary_expr_def = nested[unary | primary];
const auto unary_def = (x3::string("-") | kws("not")) > unary_expr;
const auto paren_def = '(' > expr > ')';
const auto expr_list_def = expr % ',';
const auto axis_list_def = axis % ',';
const auto range_list_def = range % ',';
const auto cell_list_def = cell % ',';
const auto target_list_def = target % ',';
const auto ref_list_def = ref % ',';
const auto primary_def = number | paren | if_expr | agg | call | ref;
const auto index_list_def = '[' > expr_list > ']';
const auto arg_list_def = '(' > expr_list > ')';
const auto ref_def = ident >> -index_list;
const auto call_def = ident >> '(' >> -(expr % ',') > ')';
const auto if_expr_def = kw("if") > expr > kw("then") > expr > kw("else") > expr;
const auto agg_def = (kws("sum") | kws("prod")) >> '(' > axis > ':' > expr > ')';

const auto range_def = add_expr >> ".." > add_expr;
const auto year_or_range_def =
    (offset >> add_expr >> -(".." > add_expr))[([](auto& ctx) {
      auto& a = x3::_attr(ctx);
      auto& v = x3::_val(ctx);
      v.from = boost::fusion::at_c<1>(a);
      auto& to = boost::fusion::at_c<2>(a);
      v.to = to ? *to : v.from;
      std::uint32_t start = boost::fusion::at_c<0>(a);
      v.loc = loc_at(ctx, start, v.to.loc.offset + v.to.loc.length - start);
    })];
const auto domain_def = range | ident;
const auto axis_def = -(ident >> kw("in")) >> domain;
const auto axes_def = '[' > axis_list > ']';

const auto cell_def = ((signed_number >> no_decimal_comma) | ident) >> !lit(':') >> !lit("..");
const auto row_key_def = signed_number | ident;
const auto row_def = row_key >> ':' > cell_list;
const auto rows_def = -(row % -lit(','));
const auto table_def = (offset >> lit('{') > rows > '}')[([](auto& ctx) {
  auto& v = x3::_val(ctx);
  v.rows = boost::fusion::at_c<1>(x3::_attr(ctx));
  v.loc = loc_at(ctx, boost::fusion::at_c<0>(x3::_attr(ctx)), 1);
})] | (offset >> lexeme[lit("csv") >> !idchar] >> string_lit)[([](auto& ctx) {
  auto& v = x3::_val(ctx);
  v.csv = boost::fusion::at_c<1>(x3::_attr(ctx));
  v.loc = loc_at(ctx, boost::fusion::at_c<0>(x3::_attr(ctx)), 3);
})];
const auto attrs_def = -string_lit >> -(kw("source") > string_lit);

const auto model_decl_def = kw("model") > string_lit > kw("base") > add_expr > kw("years") > range >
                            -(kw("convention") > range_list) > -(kw("source") > string_lit);
const auto set_path = [](auto& ctx) {
  auto& v = x3::_val(ctx);
  v.path = boost::fusion::at_c<1>(x3::_attr(ctx));
  v.loc = loc_at(ctx, boost::fusion::at_c<0>(x3::_attr(ctx)), v.path.size() + 2);
};
const auto include_decl_def = (kw("include") > offset > string_lit)[set_path];
const auto extends_decl_def = (kw("extends") > offset > string_lit)[set_path];
const auto scenario_decl_def = kw("scenario") > string_lit > -string_lit;
const auto member_def = ident >> -string_lit;
const auto set_decl_def = kw("set") > ident > -string_lit > -(kw("in") > ident) >
                          -(kw("source") > string_lit) > '=' > '{' > -(member % ',') > '}';
const auto param_value_def = table | expr;
const auto param_range_def = kw("range") > signed_number > lit("..") > signed_number;
const auto param_decl_def = matches[kw("override")] >> matches[kw("extend")] >> kw("param") > ident > -axes >
                            -(':' > unit_word) > attrs > -param_range > -(kw("default") > cell) > '=' >
                            param_value;
const auto clause_def = ((kw("else") >> attr(boost::optional<ast::Range>())) | year_or_range) > ':' >
                        expr;
const auto single_clause_def = expr[([](auto& ctx) {
  ast::Clause c;
  c.loc = x3::_attr(ctx).loc;
  c.body = x3::_attr(ctx);
  x3::_val(ctx).push_back(std::move(c));
})];
const auto var_body = as<std::vector<ast::Clause>>("'=' or '{'")[('=' > single_clause) | ('{' > *clause > '}')];
const auto var_decl_def = matches[kw("override")] >> matches[kw("extend")] >> kw("var") > ident > -axes > -(':' > unit_word) >
                          attrs > var_body >
                          -(kw("actual") > table);
const auto fix_decl_def = (kws("fix") | kws("adjust")) > ident > -index_list > table >
                          -(kw("source") > string_lit);
const auto target_def = number > ':' > as<std::string>("a target kind such as reduce_deficit")[lexeme[+(alpha | char_('_'))]] >
                        as<std::vector<ast::Expr>>("arguments in parentheses")[
                            -('(' > as<std::vector<ast::Expr>>("an expression")[add_expr % ','] > ')')];
const auto indicator_decl_def = matches[kw("override")] >> matches[kw("extend")] >> kw("indicator") > idnum > attrs >
                                -(kw("on") > ref) > -(kw("vs") > number) > '{' > target_list > '}';
const auto event_decl_def = matches[kw("override")] >> matches[kw("extend")] >> kw("event") > ident > -axes > attrs > '=' > expr;
const auto line_attr_def = !kw("line") >> ident >> -string_lit >>
                           -arg_list >> -table >> -(kw("from") > number);
const auto line_decl_def = kw("line") > ident > -string_lit > *line_attr;
const auto fund_decl_def = matches[kw("override")] >> matches[kw("extend")] >> kw("fund") > ident > attrs > '{' > *line_attr > *line_decl > '}';
const auto transfer_decl_def = kw("transfer") > add_expr > kw("from") > ident > kw("to") > ident >
                               kw("in") > number > -(kw("source") > string_lit) >
                               -(kw("voted") > string_lit);
const auto output_decl_def = (kw("output") > ref_list)[(
    [](auto& ctx) { x3::_val(ctx).items = x3::_attr(ctx); })];
const auto assert_decl_def = kw("assert") > string_lit > expr > -(kw("within") > add_expr);

const auto correlate_decl_def = kw("correlate") > ident > ',' > ident > '=' > signed_number >
                                matches[kw("rank")] > -(kw("source") > string_lit);

const auto report_item_def = ref >> (kws("good") | kws("bad") | attr(std::string()));
const auto report_item_list_def = report_item % ',';
const auto report_decl_def = kw("report") > ident > -string_lit > report_item_list;

const auto statement_def = report_decl | correlate_decl | model_decl | include_decl | extends_decl | scenario_decl | set_decl |
                           param_decl | var_decl | fix_decl | indicator_decl | event_decl |
                           fund_decl | transfer_decl | output_decl | assert_decl;

BOOST_SPIRIT_DEFINE(row_key, rows, index_list, arg_list, ident, idnum, unit_word, number_value, unit, number, signed_number, string_lit,
                    expr, or_expr, and_expr, cmp_expr, add_expr, mul_expr, pow_expr, unary_expr,
                    unary, primary, paren, ref, call, if_expr, agg, range, year_or_range, domain,
                    axis, axes, cell, row, table, attrs, model_decl, include_decl, extends_decl,
                    scenario_decl, member, set_decl, param_value, param_range, param_decl, clause,
                    single_clause, var_decl, fix_decl, target, indicator_decl, event_decl,
                    line_attr, line_decl, fund_decl, transfer_decl, output_decl, assert_decl,
                    statement)
BOOST_SPIRIT_DEFINE(expr_list, axis_list, range_list, cell_list, target_list, ref_list)
BOOST_SPIRIT_DEFINE(report_item, report_decl, report_item_list)
BOOST_SPIRIT_DEFINE(correlate_decl, or_op, and_op, cmp_operation, add_op, mul_op, pow_op)

const auto skipper = char_(" \t\r\n\f\v") | (lit('#') >> *(char_ - eol)) | (lit("//") >> *(char_ - eol));

}  // namespace grammar

namespace {

// The word (letters, digits, `_`) that starts at POS.
std::string_view word_at(const std::string& text, std::size_t pos) {
  std::size_t end = pos;
  while (end < text.size() && is_word_char(text[end])) ++end;
  return std::string_view(text).substr(pos, end - pos);
}

bool starts_with_keyword(const std::string& text, std::size_t pos) {
  const Keyword* k = keyword_at(word_at(text, pos));
  return k && k->starts_statement;
}

std::vector<std::string> statement_words() {
  std::vector<std::string> words;
  for (const Keyword& k : kKeywords)
    if (k.starts_statement) words.push_back(k.word);
  return words;
}

// A word at the start of a line that is not a keyword but close to a statement keyword
// ("overide", "indicateur"): most likely a statement, misspelt.
bool starts_with_misspelt_keyword(const std::string& text, std::size_t pos) {
  std::string_view w = word_at(text, pos);
  return w.size() >= 3 && !keyword_at(w) && !closest(w, statement_words()).empty();
}

// After a syntax error, resume at the next statement keyword that starts a line (or at the
// error itself when a statement starts there: the error was a missing end of the previous one).
It resync(const std::string& text, It from, It start) {
  std::size_t pos = static_cast<std::size_t>(from - text.begin());
  if (from != start && starts_with_keyword(text, pos)) return from;
  while (true) {
    pos = text.find('\n', pos);
    if (pos == std::string::npos) return text.end();
    ++pos;
    std::size_t p = pos;
    if (starts_with_misspelt_keyword(text, pos)) return text.begin() + static_cast<long>(pos);
    while (p < text.size() && (text[p] == ' ' || text[p] == '\t')) ++p;
    if (starts_with_keyword(text, p)) return text.begin() + static_cast<long>(p);
  }
}

std::string describe(const std::string& which) {
  if (which.size() >= 2 && which.front() == '\'' && which.back() == '\'') return which;
  if (which.rfind("\"", 0) == 0) return "'" + which.substr(1, which.size() - 2) + "'";
  if (which.size() == 1) return "'" + which + "'";
  return which;
}

// "expected a statement (model, include, ...)", and the closest statement keyword when the
// text there is a misspelt one ("overide").
std::string expected_statement(const std::string& text, std::size_t pos) {
  const std::vector<std::string> words = statement_words();
  std::string list;
  for (const auto& w : words) list += (list.empty() ? "" : ", ") + w;
  std::string msg = "expected a statement (" + list + ")";
  std::string_view w = word_at(text, pos);
  if (!w.empty()) msg += ", found '" + std::string(w) + "'" + did_you_mean(w, words);
  return msg;
}

// What is at WHERE, for "found ...": a short token, cut at a character boundary.
std::string found_at(It where, It end) {
  if (where == end) return "the end of the file";
  if (*where == '\n' || *where == '\r') return "the end of the line";
  std::string found;
  It w = where;
  while (w != end && !std::isspace(static_cast<unsigned char>(*w))) {
    if (found.size() >= 20 && (static_cast<unsigned char>(*w) & 0xC0) != 0x80) break;
    found += *w++;
  }
  return "'" + found + "'";
}

// A decimal comma at COMMA (digits on both sides): "use a decimal point: 1.5 %".
std::string decimal_comma_message(const std::string& text, std::size_t comma) {
  auto digit_at = [&](std::size_t i) { return i < text.size() && text[i] >= '0' && text[i] <= '9'; };
  std::size_t from = comma, to = comma + 1;
  // Back over the integer part, with its groups of three (`-26 633 000,50`).
  while (from > 0 && (digit_at(from - 1) || (text[from - 1] == ' ' && from >= 2 && digit_at(from - 2) &&
                                             digit_at(from) && digit_at(from + 1) && digit_at(from + 2))))
    --from;
  if (from > 0 && text[from - 1] == '-') --from;
  while (to < text.size() && std::isdigit(static_cast<unsigned char>(text[to]))) ++to;
  std::string number = text.substr(from, comma - from) + "." + text.substr(comma + 1, to - comma - 1);
  std::size_t u = to;
  while (u < text.size() && text[u] == ' ') ++u;
  for (const char* unit : {"Md€", "M€", "k€", "€", "%"})
    if (text.compare(u, std::strlen(unit), unit) == 0) return "use a decimal point: " + number + " " + unit;
  return "use a decimal point: " + number;
}

bool is_decimal_comma(const std::string& text, std::size_t pos) {
  return pos > 0 && pos + 1 < text.size() && text[pos] == ',' &&
         std::isdigit(static_cast<unsigned char>(text[pos - 1])) &&
         std::isdigit(static_cast<unsigned char>(text[pos + 1]));
}

// What an expectation failure says was expected: X3's name of the rule, except where one rule
// serves statements that expect different things (`report params` lists params, not outputs).
std::string expected_what(const std::string& which, const std::string& text, std::size_t start) {
  if (which == "an output or an event" && word_at(text, start) == "report") {
    std::size_t p = start + 6;
    while (p < text.size() && std::isspace(static_cast<unsigned char>(text[p]))) ++p;
    if (word_at(text, p) == "params")
      return "a param name (a `report params` line lists the params of a section: report params \"TITLE\" a, b)";
  }
  return describe(which);
}

// A statement that does not parse, at START (no exception: no statement starts there).
Diagnostic no_statement(const std::string& text, std::uint32_t file, std::size_t start) {
  Diagnostic d;
  d.loc = {file, static_cast<std::uint32_t>(start), 1};
  if (is_decimal_comma(text, start))
    d.message = decimal_comma_message(text, start);
  else if (starts_with_keyword(text, start))
    d.message = "this statement is incomplete";
  else
    d.message = expected_statement(text, start);
  return d;
}

}  // namespace

ast::File parse(const Sources& sources, std::uint32_t file, Diagnostics& diags) {
  const std::string& text = sources.text(file);
  ast::File out;
  grammar::Position pos{text.begin(), file};
  auto const parser = x3::with<grammar::position_tag>(std::ref(pos))[grammar::statement];
  It it = text.begin();
  const It end = text.end();
  auto error_at = [&](It where, std::string message) {
    diags.push_back({Severity::Error, {file, static_cast<std::uint32_t>(where - text.begin()), 1},
                     std::move(message)});
  };
  while (true) {
    x3::parse(it, end, *grammar::skipper);
    if (it == end) break;
    ast::Statement st;
    const It start = it;
    pos.depth = 0;
    try {
      if (x3::phrase_parse(it, end, parser, grammar::skipper, st)) {
        out.statements.push_back(std::move(st));
        continue;
      }
      it = start;
      diags.push_back(no_statement(text, file, static_cast<std::size_t>(start - text.begin())));
    } catch (const x3::expectation_failure<It>& e) {
      It where = e.where();
      // Point at the next token, not at the blank after the last one (except inside a string).
      if (e.which() != "'\"'") x3::parse(where, end, *grammar::skipper);
      if (where != end && is_decimal_comma(text, static_cast<std::size_t>(where - text.begin())))
        error_at(where, decimal_comma_message(text, static_cast<std::size_t>(where - text.begin())));
      else
        error_at(where, "expected " + expected_what(e.which(), text, static_cast<std::size_t>(start - text.begin())) +
                            ", found " + found_at(where, end));
      it = where;
    } catch (const grammar::TooDeep& e) {
      error_at(e.where, "too deeply nested (limit " + std::to_string(kMaxNesting) + ")");
      it = e.where;
    } catch (const grammar::DecimalComma& e) {
      error_at(e.comma, decimal_comma_message(text, static_cast<std::size_t>(e.comma - text.begin())));
      it = e.comma;
    }
    it = resync(text, it, start);
  }
  return out;
}

}  // namespace cogsim::dsl
