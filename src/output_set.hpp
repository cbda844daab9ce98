// The files a command writes, as one all-or-nothing transaction (docs/cli.md, "Outputs: all or
// nothing").
//
// Each output is first written to a temporary beside its destination (FILE.tmp.PID, or for a folder
// of tables the sibling folder DIR.tmp.PID), flushed to disk (fsync of the file, then of its
// folder). Only when every output of the command is staged does commit() put them in place, one
// rename each (an atomic exchange where the file system has one); if any step fails, the outputs
// already placed are put back and every temporary is removed, so no destination changes. A SIGINT
// or SIGTERM while outputs are staged is held until the current step ends; the temporaries are then
// removed and the signal is raised again (a second signal cleans up at once).
//
// Destinations are checked twice: before the model is read (check_destinations: the folder exists
// and is writable, no path given twice) and once it is read (check_not_inputs: no destination is a
// file of the model, after resolving links).
#pragma once

#include <functional>
#include <iosfwd>
#include <nlohmann/json.hpp>
#include <string>
#include <utility>
#include <vector>

namespace cogsim::dsl {
class Sources;
}

namespace cogsim::app {

// One destination of a command, as given on the command line.
struct Destination {
  std::string option;  // "--json", "--report", "--csv"...
  std::string path;
  bool folder = false;  // a folder of tables (--csv), replaced as a whole
};

// The files cogsim writes into a --csv folder; a folder holding anything else is not replaced.
extern const char* const kCsvTableNames[5];

// Usage errors (exit 2) and write errors (exit 4) found by the checks below.
struct DestinationError {
  std::string message;  // without "cogsim: "; empty when all is well
  bool usage = false;   // true: the command line is wrong (status 2); false: cannot write (status 4)
};

// Before the model is read: each destination's folder exists and is writable, a file destination is
// not a folder nor a device, FIFO or socket, a folder destination holds only tables cogsim writes, and no path is given twice
// (nor a file inside a folder destination). Empty paths are skipped.
DestinationError check_destinations(const std::vector<Destination>& outputs);
// Once the model is read: no destination is one of the files it read (sources), links resolved.
DestinationError check_not_inputs(const std::vector<Destination>& outputs, const dsl::Sources& sources);

class OutputSet {
 public:
  OutputSet();
  ~OutputSet();  // removes whatever is staged and not committed
  OutputSet(const OutputSet&) = delete;
  OutputSet& operator=(const OutputSet&) = delete;

  // Stages `text` for `path`. Returns an error message ("cannot write 'PATH': …") or "".
  std::string add_file(const std::string& path, const std::string& text);
  // Stages a file that `write` produces at the temporary path it is given (returns "" or an error).
  std::string add_file_with(const std::string& path, const std::function<std::string(const std::string&)>& write);
  // Stages a folder holding exactly `files` (name, text), to replace `dir` as a whole.
  std::string add_folder(const std::string& dir, const std::vector<std::pair<std::string, std::string>>& files);
  // Puts every staged output in place, or none. Returns an error message or "".
  std::string commit();
  // Removes every temporary; nothing is replaced.
  void abort();

 private:
  struct Item;
  std::string fail(const std::string& message);
  std::vector<Item> items_;
};

// For the commands: a DestinationError said on `err` ("cogsim: …"); returns the exit status
// (0 when there is none, 2 for usage, 4 when a destination cannot be written).
int destination_status(const DestinationError& e, std::ostream& err);
// Commits `set` unless `error` (a failed add_*) is already set; on failure says why on `err` and
// returns 4, else 0.
int commit_or_report(OutputSet& set, const std::string& error, std::ostream& err);

// A JSON document as written to a file: indented by 2, a final newline; a byte that is not UTF-8
// (in a file name given on the command line, say) becomes U+FFFD instead of aborting the write.
std::string json_text(const nlohmann::ordered_json& j);

// Writes `text` to `path` atomically (a one-file OutputSet). Returns an error message or "".
std::string write_one_file(const std::string& path, const std::string& text);

}  // namespace cogsim::app
