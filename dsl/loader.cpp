#include "dsl/loader.hpp"

#include <filesystem>
#include <map>

#include "dsl/csv_tables.hpp"
#include "dsl/parser.hpp"
#include "dsl/text_checks.hpp"

namespace cogsim::dsl {
namespace fs = std::filesystem;

std::string shown_path(const std::string& path) {
  static const char* const hex = "0123456789abcdef";
  std::string out;
  for (unsigned char c : path) {
    if (c < 0x20 || c == 0x7f || c == '\'' || c == '"') {
      out += "\\x";
      out += hex[c >> 4];
      out += hex[c & 15];
    } else {
      out += static_cast<char>(c);
    }
  }
  return out;
}

namespace {

constexpr std::size_t kMaxIncludeDepth = 256;

struct Loader {
  Sources& sources;
  Diagnostics& diags;
  Loaded out;
  std::vector<std::string> stack;  // canonical paths being loaded, to catch include cycles
  std::map<std::pair<std::string, int>, SourceLoc> read;  // (canonical path, layer) -> where it was first read

  void error(SourceLoc loc, std::string msg) { diags.push_back({Severity::Error, loc, std::move(msg)}); }

  static std::string resolve(const std::string& path) {
    std::error_code ec;
    if (fs::is_directory(path, ec)) return (fs::path(path) / "main.cog").string();
    return path;
  }

  // Loads one file at `layer`; returns the layer its own statements ended up in.
  void load_file(const std::string& raw_path, int layer, SourceLoc from, bool has_from) {
    std::string path = resolve(raw_path);
    std::error_code ec;
    std::string canon = fs::weakly_canonical(path, ec).string();
    for (const auto& s : stack) {
      if (s == canon) {
        error(from, "'" + shown_path(raw_path) + "' includes itself (include cycle)");
        return;
      }
    }
    // Each nested include is a level of recursion (and of this check): a bound, located at the include.
    if (stack.size() >= kMaxIncludeDepth) {
      std::string msg = "includes nested more than ";
      msg += std::to_string(kMaxIncludeDepth);
      msg += " deep ('";
      msg += shown_path(raw_path);
      msg += "' would be level ";
      msg += std::to_string(stack.size() + 1);
      msg += ")";
      error(from, std::move(msg));
      return;
    }
    // A file read twice into one layer defines everything twice (a screen of "duplicate definition"
    // errors that all point inside it): one error at the second include instead. Only a file that
    // was read counts (a missing one included twice gets its own error twice), and only one whose
    // canonical path is known.
    if (auto it = read.find({canon, layer}); it != read.end() && !canon.empty()) {
      if (has_from) {
        std::string msg = "'";
        msg += shown_path(raw_path);
        msg += "' is already read into this model";
        if (it->second.file != UINT32_MAX) {
          msg += " (at ";
          msg += file_line(sources, it->second);
          msg += ")";
        }
        msg += ": a file is read once";
        error(from, std::move(msg));
      }
      return;
    }
    std::string why;
    auto id = sources.load(path, &why);
    if (!id) {
      if (path != raw_path && why == "does not exist")
        why = "does not exist ('" + shown_path(raw_path) + "' is a folder without main.cog)";
      std::string msg = "cannot read '" + shown_path(path) + "': the file " + why;
      if (has_from)
        error(from, msg);
      else
        diags.push_back({Severity::Error, SourceLoc{UINT32_MAX, 0, 0}, msg});
      return;
    }
    if (!canon.empty()) read.emplace(std::pair{canon, layer}, from);
    stack.push_back(canon);
    take(*id, layer);
    stack.pop_back();
  }

  void take(std::uint32_t id, int layer) {
    out.files.push_back(parse(sources, id, diags));
    fs::path dir = fs::path(sources.path(id)).parent_path();
    read_csv_tables(out.files.back(), dir.string(), sources, diags);
    const ast::File& file = out.files.back();
    // `extends` puts the whole base underneath this file: base first, this file one layer up.
    int my_layer = layer;
    for (const auto& st : file.statements) {
      if (const auto* e = boost::get<ast::ExtendsDecl>(&st)) {
        load_file((dir / e->path).string(), layer, e->loc, true);
        my_layer = out.top_layer + 1;
      }
    }
    out.top_layer = std::max(out.top_layer, my_layer);
    for (const auto& st : file.statements) {
      if (const auto* inc = boost::get<ast::IncludeDecl>(&st)) {
        load_file((dir / inc->path).string(), my_layer, inc->loc, true);
        continue;
      }
      if (boost::get<ast::ExtendsDecl>(&st)) continue;
      out.items.push_back({&st, id, my_layer});
    }
  }
};

}  // namespace

Loaded load(const std::string& path, Sources& sources, Diagnostics& diags) {
  Loader l{sources, diags, {}, {}, {}};
  l.load_file(path, 0, {}, false);
  return std::move(l.out);
}

Loaded load_text(const std::string& name, const std::string& text, Sources& sources,
                 Diagnostics& diags) {
  Loader l{sources, diags, {}, {}, {}};
  std::uint32_t id = sources.add(name, text);
  l.stack.push_back(fs::weakly_canonical(name).string());
  l.take(id, 0);
  return std::move(l.out);
}

}  // namespace cogsim::dsl
