// The translation check (check-translations) on small documents made here,
// each case changing one thing a translator could miss; and the status
// table every guide must give, in both languages.

#include "markdown_outline.hpp"
#include "translation_check.hpp"

#include "wxlived/engine/status.hpp"

#include <doctest/doctest.h>

#include <fstream>
#include <iterator>
#include <map>

using wxlived::docs::compare_translation;

namespace {

const std::map<std::string, std::string> other_files{
    {"docs/SPEC.md", "# Spec\n## 4. Config\n"},
    {"docs/schemas", ""},
    {"docs/OTHER.md", "# Other\n## Setup\n## Backup, upgrade, removal\n"},
    {"docs/zh-CN/OTHER.md", "# 其他\n## 安装\n## 备份、升级与卸载\n"},
};

std::vector<std::string> differences(const std::string& english, const std::string& chinese) {
  auto files = other_files;
  files["docs/GUIDE.md"] = english;
  files["docs/zh-CN/GUIDE.md"] = chinese;
  const wxlived::docs::ReadFile read = [files](const std::string& path) -> std::optional<std::string> {
    const auto found = files.find(path);
    if (found == files.end()) return std::nullopt;
    return found->second;
  };
  return compare_translation({"docs/GUIDE.md", english}, {"docs/zh-CN/GUIDE.md", chinese}, read);
}

std::string joined(const std::vector<std::string>& lines) {
  std::string out;
  for (const auto& l : lines) out += l + "\n";
  return out;
}

// One CHECK per expected difference, printing all that were found when it fails.
void check_mentions(const std::vector<std::string>& found, const std::string& text) {
  CHECK_MESSAGE(joined(found).find(text) != std::string::npos, "expected: " << text << "\nfound:\n" << joined(found));
}

const std::string english_guide = R"(# The guide

See [the spec](SPEC.md#4-config) and [the schemas](schemas/).

## Install

Run `scripts/package`, then check with `wxlived check-config`:

```sh
apt install ./build/wxlived_*.deb   # the binaries and the unit
wxlived check-config --config /etc/wxlived/wxlived.toml
```

<!-- install-check: secrets -->

## Backups

Back up `/var/lib/wxlived` ([how](OTHER.md#backup-upgrade-removal)).

```json
{"type": "room.created"}
```
)";

const std::string chinese_guide = R"(# 指南

参见[规范](../SPEC.md#4-config)与 [schemas](../schemas/)。

## 安装

先运行 `scripts/package`，再用 `wxlived check-config` 检查配置（`wxlived check-config` 可多次运行）：

```sh
apt install ./build/wxlived_*.deb   # 二进制文件与 unit 文件
wxlived check-config --config /etc/wxlived/wxlived.toml
```

<!-- install-check: secrets -->

## 备份

备份 `/var/lib/wxlived`（[方法](OTHER.md#备份升级与卸载)）。

```json
{"type": "room.created"}
```
)";

std::string replaced(std::string text, const std::string& from, const std::string& to) {
  const auto at = text.find(from);
  REQUIRE_MESSAGE(at != std::string::npos, from);
  return text.replace(at, from.size(), to);
}

}  // namespace

TEST_CASE("a translation with the same headings, code, inline code and links agrees with its original") {
  const auto found = differences(english_guide, chinese_guide);
  CHECK_MESSAGE(found.empty(), joined(found));
}

TEST_CASE("a section added to the English without its translation fails naming that section") {
  const auto found = differences(english_guide + "\n## Upgrades\n\nRun `apt install` again.\n", chinese_guide);
  check_mentions(found, "3 level-2 headings in English, 2 in Chinese");
  check_mentions(found, "section \"## Upgrades\" (English line 24) has no Chinese counterpart");
}

TEST_CASE("a heading of another level in the translation fails naming the English section") {
  const auto found = differences(english_guide, replaced(chinese_guide, "## 备份", "### 备份"));
  check_mentions(found, "English section \"## Backups\" (English line 16, Chinese line 16) is level 2");
}

TEST_CASE("a command changed in an English code block fails naming its section, a translated comment does not") {
  const auto changed = replaced(english_guide, "--config /etc/wxlived/wxlived.toml", "--config /etc/wxlived/other.toml");
  const auto found = differences(changed, chinese_guide);
  REQUIRE(found.size() == 1);
  check_mentions(found, "section \"## Install\"");
  check_mentions(found, "code block 1 (English line 9, Chinese line 9) differs beyond its comments");
  check_mentions(found, "wxlived check-config --config /etc/wxlived/other.toml");
}

TEST_CASE("a JSON or untagged block must be the same byte for byte, and a code block keeps its language") {
  check_mentions(differences(english_guide, replaced(chinese_guide, "room.created", "room.removed")),
                 "section \"## Backups\"");
  check_mentions(differences(english_guide, replaced(chinese_guide, "```sh", "```bash")),
                 "is fenced \"sh\" in English, fenced \"bash\" in Chinese");
  check_mentions(differences(english_guide, replaced(chinese_guide, "```json\n{\"type\": \"room.created\"}\n```",
                                                     "    {\"type\": \"room.created\"}")),
                 "is fenced \"json\" in English, indented in Chinese");
}

TEST_CASE("an inline code span of the English section missing from the translation is named, and so is an extra one") {
  auto found = differences(english_guide, replaced(chinese_guide, "先运行 `scripts/package`", "先运行打包脚本"));
  check_mentions(found, "section \"## Install\"");
  check_mentions(found, "inline code \"scripts/package\" is missing from the Chinese");
  found = differences(english_guide, replaced(chinese_guide, "备份 `/var/lib/wxlived`", "备份 `/var/lib/wxlived/`"));
  check_mentions(found, "inline code \"/var/lib/wxlived/\" is not in the English");
}

TEST_CASE("a link keeps its target: the same file, folder or heading, whatever the language of its text") {
  check_mentions(differences(english_guide, replaced(chinese_guide, "(../SPEC.md#4-config)", "(../SPEC.md)")),
                 "link to \"docs/SPEC.md#heading 2\" is missing from the Chinese");
  // The Chinese names the same heading of the Chinese OTHER.md by its own anchor; another heading differs.
  check_mentions(differences(english_guide, replaced(chinese_guide, "OTHER.md#备份升级与卸载", "OTHER.md#安装")),
                 "link to \"docs/OTHER.md#heading 3\" is missing from the Chinese");
  // A link dropped in translation counts, even when another one like it stays.
  check_mentions(differences(english_guide, replaced(chinese_guide, "与 [schemas](../schemas/)", "")),
                 "link to \"docs/schemas\" is missing from the Chinese");
}

TEST_CASE("a link to a file or heading that does not exist is a difference in either language") {
  check_mentions(differences(english_guide, replaced(chinese_guide, "(../SPEC.md#4-config)", "(SPEC.md#4-config)")),
                 "docs/zh-CN/GUIDE.md: link \"SPEC.md#4-config\" points at docs/zh-CN/SPEC.md, which does not exist");
  check_mentions(differences(replaced(english_guide, "#backup-upgrade-removal", "#backups"), chinese_guide),
                 "docs/GUIDE.md: link \"OTHER.md#backups\": docs/OTHER.md has no heading with that anchor");
}

TEST_CASE("an HTML comment (an install-check marker) must be copied into the translation") {
  check_mentions(differences(english_guide, replaced(chinese_guide, "<!-- install-check: secrets -->", "")),
                 "HTML \"<!-- install-check: secrets -->\n\" is missing from the Chinese");
}

TEST_CASE("a comment starts at a hash after a blank or a line's start outside quotes, or at // in Go and JavaScript") {
  using wxlived::docs::code_without_comments;
  CHECK(code_without_comments("sh", "echo \"a # b\" 'c # d' $# x#y  # comment\n# only a comment\n\n  ls") ==
        std::vector<std::string>{"echo \"a # b\" 'c # d' $# x#y", "  ls"});
  CHECK(code_without_comments("toml", "url = \"https://x/#y\"   # the receiver\n") ==
        std::vector<std::string>{"url = \"https://x/#y\""});
  CHECK(code_without_comments("javascript", "const u = \"https://x\"; // 注释\n`a // b` // c\n") ==
        std::vector<std::string>{"const u = \"https://x\";", "`a // b`"});
  CHECK(code_without_comments("", "# kept: output is not code\n") == std::vector<std::string>{"# kept: output is not code"});
}

TEST_CASE("headings get GitHub's anchors in both languages, repeats numbered") {
  using wxlived::docs::anchor_of;
  CHECK(anchor_of("Health and metrics (admin_listen, default 127.0.0.1:9466, read-only)") ==
        "health-and-metrics-admin_listen-default-1270019466-read-only");
  CHECK(anchor_of("运行多实例集群（PostgreSQL）") == "运行多实例集群postgresql");
  CHECK(anchor_of("备份、升级与卸载") == "备份升级与卸载");
  CHECK(anchor_of("WxlivedDown") == "wxliveddown");
  const auto anchors = wxlived::docs::heading_anchors(wxlived::docs::read_outline("# A\n## Go\n## Go\n```\n# no\n```\n"));
  CHECK(anchors == std::vector<std::string>{"", "a", "go", "go-1"});
}

namespace {

std::string source_file(const std::string& path) {
  std::ifstream in(std::string(WXLIVED_SOURCE_DIR) + "/" + path);
  REQUIRE_MESSAGE(in, path);
  return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

}  // namespace

TEST_CASE("each guide, in English and Chinese, gives every status code with its event name and WeChat's Chinese name") {
  // WeChat's names, as its live-component documentation gives them.
  const std::map<int, std::string> wechat_names{{101, "直播中"}, {102, "未开始"}, {103, "已结束"}, {104, "禁播"},
                                                {105, "暂停"},   {106, "异常"},   {107, "已过期"}};
  for (const char* guide : {"docs/OPERATIONS.md", "docs/WEBHOOKS.md", "docs/PLANNING.md", "docs/zh-CN/OPERATIONS.md",
                            "docs/zh-CN/WEBHOOKS.md", "docs/zh-CN/PLANNING.md"}) {
    const std::string text = source_file(guide);
    for (const auto& [code, chinese] : wechat_names) {
      const std::string row = "| " + std::to_string(code) + " | `" + std::string(wxlived::engine::status_name(code)) +
                              "` | " + chinese + " |";
      CHECK_MESSAGE(text.find(row) != std::string::npos, std::string(guide) << " has no status table row " << row);
    }
  }
}
