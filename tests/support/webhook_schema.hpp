#pragma once
// The receiver developer's contract as a check: a webhook body must be valid
// for docs/schemas/<its type>.json (JSON Schema draft-04, read from the
// source tree). The schemas are exact (additionalProperties false, required
// fields, enums), so a field the code adds without documenting it, a field
// it drops or retypes, and an event type without a schema all fail here.
// The e2e receivers run every body they get through it.
#include <rapidjson/document.h>
#include <rapidjson/schema.h>
#include <rapidjson/stringbuffer.h>

#include <algorithm>
#include <fstream>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <sstream>
#include <string>

namespace wxlived::testing {

struct LoadedSchema {
  rapidjson::Document source;  // the SchemaDocument points into it
  std::unique_ptr<rapidjson::SchemaDocument> schema;
  std::string problem;  // why there is no schema
};

inline std::string schema_path(const std::string& type) {
  return std::string(WXLIVED_SOURCE_DIR) + "/docs/schemas/" + type + ".json";
}

// Loaded once per type (the receivers call this from their own threads).
inline const LoadedSchema& schema_for(const std::string& type) {
  static std::mutex mu;
  static std::map<std::string, std::unique_ptr<LoadedSchema>> cache;
  std::lock_guard lock(mu);
  auto& slot = cache[type];
  if (slot) return *slot;
  slot = std::make_unique<LoadedSchema>();
  const bool plain = !type.empty() && std::all_of(type.begin(), type.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || c == '.' || c == '_';
  });
  std::ifstream in(plain ? schema_path(type) : std::string());
  if (!plain || !in) {
    slot->problem = "event type \"" + type + "\" has no schema (docs/schemas/" + type + ".json): undocumented";
    return *slot;
  }
  std::stringstream text;
  text << in.rdbuf();
  const std::string json = text.str();
  slot->source.Parse(json.c_str(), json.size());
  if (slot->source.HasParseError()) {
    slot->problem = schema_path(type) + " is not JSON";
    return *slot;
  }
  slot->schema = std::make_unique<rapidjson::SchemaDocument>(slot->source);
  return *slot;
}

// nullopt when `body` is valid for the schema of its `type`; otherwise what
// is wrong, with JSON pointers into the body and the schema.
inline std::optional<std::string> webhook_schema_problem(const std::string& body) {
  rapidjson::Document doc;
  doc.Parse(body.c_str(), body.size());
  if (doc.HasParseError()) return "the body is not JSON";
  if (!doc.IsObject() || !doc.HasMember("type") || !doc["type"].IsString()) return "the body has no string \"type\"";
  const std::string type = doc["type"].GetString();
  const LoadedSchema& loaded = schema_for(type);
  if (!loaded.schema) return loaded.problem;
  // One validation at a time: RapidJSON 1.1.0's regex (the schemas'
  // "pattern") keeps its match state in the shared SchemaDocument, and two
  // receiver threads matching at once crashed a test.
  static std::mutex validating;
  std::lock_guard lock(validating);
  rapidjson::SchemaValidator validator(*loaded.schema);
  if (doc.Accept(validator)) return std::nullopt;
  rapidjson::StringBuffer at;
  validator.GetInvalidDocumentPointer().StringifyUriFragment(at);
  rapidjson::StringBuffer rule;
  validator.GetInvalidSchemaPointer().StringifyUriFragment(rule);
  std::string problem = type + ": body at " + at.GetString() + " breaks \"" + validator.GetInvalidSchemaKeyword() +
                        "\" of docs/schemas/" + type + ".json" + rule.GetString();
  // Name the offending keys: draft-04 validators point at an unknown member
  // itself, and at the object that lacks a required one.
  const rapidjson::Pointer where = validator.GetInvalidDocumentPointer();
  const std::string keyword = validator.GetInvalidSchemaKeyword();
  if (keyword == "additionalProperties" && where.GetTokenCount() > 0) {
    const auto& last = where.GetTokens()[where.GetTokenCount() - 1];
    problem += "; unknown field \"" + std::string(last.name, last.length) + "\"";
  }
  const rapidjson::Value* object = where.Get(doc);
  const rapidjson::Value* required =
      rapidjson::Pointer((std::string(rule.GetString() + 1) + "/required").c_str()).Get(loaded.source);
  if (keyword == "required" && object && object->IsObject() && required && required->IsArray()) {
    for (const auto& name : required->GetArray())
      if (name.IsString() && !object->HasMember(name)) problem += "; missing \"" + std::string(name.GetString()) + "\"";
  }
  return problem;
}

}  // namespace wxlived::testing
