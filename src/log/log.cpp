#include "wxlived/log/log.hpp"

#include <atomic>
#include <memory>
#include <mutex>
#include <spdlog/logger.h>
#include <spdlog/pattern_formatter.h>
#include <spdlog/sinks/ostream_sink.h>
#include <spdlog/sinks/stdout_sinks.h>

#include "wxlived/log/line_format.hpp"

namespace wxlived::log {
namespace {

// spdlog carries the finished line (pattern "%v"): it provides the sinks,
// their locking and flushing; the record layout is ours (line_format.cpp).
struct Output {
  std::shared_ptr<spdlog::logger> logger;
  LineStyle style;
};

struct State {
  std::mutex mutex;
  std::shared_ptr<const Output> output;  // guarded by mutex
};

// Read on every enabled() check without a lock; constant-initialised so it
// is valid even during other translation units' static initialisation.
std::atomic<Level> threshold{Level::info};

State& state() {
  // Never destroyed: logging from other static destructors stays safe.
  static State& instance = *new State;
  return instance;
}

spdlog::level::level_enum to_spdlog(Level level) noexcept {
  switch (level) {
    case Level::trace: return spdlog::level::trace;
    case Level::debug: return spdlog::level::debug;
    case Level::info: return spdlog::level::info;
    case Level::warn: return spdlog::level::warn;
    case Level::error: return spdlog::level::err;
    case Level::critical: return spdlog::level::critical;
    case Level::off: break;
  }
  return spdlog::level::off;
}

std::shared_ptr<const Output> make_output(const LogSettings& settings, spdlog::sink_ptr sink) {
  auto logger = std::make_shared<spdlog::logger>("wxlived", std::move(sink));
  logger->set_formatter(std::make_unique<spdlog::pattern_formatter>("%v", spdlog::pattern_time_type::utc, "\n"));
  logger->set_level(to_spdlog(settings.level));
  return std::make_shared<const Output>(Output{std::move(logger), LineStyle{settings.format, settings.journal}});
}

void install(const LogSettings& settings, spdlog::sink_ptr sink) {
  auto output = make_output(settings, std::move(sink));
  auto& s = state();
  std::lock_guard lock(s.mutex);
  s.output = std::move(output);
  threshold.store(settings.level, std::memory_order_relaxed);
}

std::shared_ptr<const Output> current_output() {
  auto& s = state();
  std::lock_guard lock(s.mutex);
  if (!s.output) s.output = make_output(LogSettings{}, std::make_shared<spdlog::sinks::stderr_sink_mt>());
  return s.output;
}

}  // namespace

void configure_logging(const LogSettings& settings) {
  install(settings, std::make_shared<spdlog::sinks::stderr_sink_mt>());
}

void configure_logging(const LogSettings& settings, std::ostream& out) {
  install(settings, std::make_shared<spdlog::sinks::ostream_sink_mt>(out, /*force_flush=*/true));
}

bool enabled(Level level) noexcept {
  return level != Level::off && level >= threshold.load(std::memory_order_relaxed);
}

void write(Level level, std::string_view msg, std::span<const Field> fields) {
  if (!enabled(level)) return;
  const auto output = current_output();
  const std::string line =
      format_line(level, std::chrono::system_clock::now(), msg, fields, output->style, process_redactor());
  output->logger->log(to_spdlog(level), spdlog::string_view_t(line.data(), line.size()));
}

}  // namespace wxlived::log
