// The bash completion each binary prints (the build installs that output),
// loaded into a real bash and asked as readline would: COMP_WORDS and
// COMP_CWORD set, then the function that `complete -p` names.
#include <doctest/doctest.h>

#include <sstream>
#include <vector>

#include "support/run_process.hpp"
#include "support/temp_dir.hpp"

using wxlived::testing::bin;
using wxlived::testing::run_process;

namespace {

// The candidates bash offers for `line` with the cursor at its end (a
// trailing space starts a new, empty word).
std::vector<std::string> complete(const std::string& program, const std::string& line) {
  wxlived::testing::TempDir dir;
  const auto script = dir / "completion.bash";
  REQUIRE(run_process(bin(program) + " --generate-bash-completion > " + script.string()).exit_code == 0);
  // -u: the script must not touch an unset variable (no -e: compgen with no match returns 1).
  const auto driver = dir.write("driver.bash", R"(set -u
source "$1" || exit 1
spec=$(complete -p "$2") || exit 1
function=${spec#*-F }
function=${function%% *}
read -r -a COMP_WORDS <<< "$3"
[[ "$3" == *" " ]] && COMP_WORDS+=("")
COMP_CWORD=$(( ${#COMP_WORDS[@]} - 1 ))
COMPREPLY=()
"$function"
printf '%s\n' "${COMPREPLY[@]}"
)");
  const auto result =
      run_process("bash " + driver.string() + " " + script.string() + " " + program + " '" + line + "'");
  REQUIRE_MESSAGE(result.exit_code == 0, result.output);
  std::vector<std::string> words;
  std::istringstream lines(result.output);
  for (std::string word; std::getline(lines, word);) {
    if (!word.empty()) words.push_back(word);
  }
  return words;
}

using Words = std::vector<std::string>;

}  // namespace

TEST_CASE("a subcommand completes from its first letters") {
  CHECK(complete("wxlived", "wxlived si") == Words{"simulate"});
  CHECK(complete("wxlivectl", "wxlivectl en") == Words{"endpoints", "enable-endpoint"});
}

TEST_CASE("a subcommand's options complete after it") {
  CHECK(complete("wxlived", "wxlived run --co") == Words{"--config"});
  CHECK(complete("wxlived", "wxlived simulate --no") == Words{"--no-learn"});
}

TEST_CASE("global options complete after a subcommand that passes them up") {
  CHECK(complete("wxlivectl", "wxlivectl rooms --js") == Words{"--json"});
  CHECK(complete("wxlived", "wxlived run --vers").empty());  // wxlived's subcommands take none
}

TEST_CASE("an option with fixed choices completes to them") {
  CHECK(complete("wxlivectl", "wxlivectl deliveries --state ") == Words{"pending", "failed", "delivered", "dead"});
  CHECK(complete("wxlived", "wxlived simulate --policy st") == Words{"steady"});
  CHECK(complete("wxlive-fakewx", "wxlive-fakewx --log-format j") == Words{"json"});
}

TEST_CASE("an option's value is not taken for a subcommand") {
  // "rooms" is the --db file here, so the subcommand is still to come.
  CHECK(complete("wxlivectl", "wxlivectl --db rooms roo") == Words{"rooms", "room"});
}

TEST_CASE("the hidden generator flags are not offered") {
  for (const auto& word : complete("wxlived", "wxlived --")) CHECK(word.find("generate") == std::string::npos);
}
