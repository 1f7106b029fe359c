#pragma once
// The client's side of the outcome taxonomy: WeChat's errcodes mapped onto
// liveapi::Outcome, and the shared names visible as wechat:: for the adapter.
#include "wxlived/liveapi/outcome.hpp"

namespace wxlived::wechat {

using liveapi::ApiError;
using liveapi::Outcome;
using liveapi::to_string;

// The taxonomy value for a WeChat errcode (0 = ok).
Outcome outcome_of_errcode(int errcode);

}  // namespace wxlived::wechat
