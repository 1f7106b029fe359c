#pragma once
// The answer vocabulary (liveapi/answers.hpp) under the adapter's namespace.
#include "wxlived/liveapi/answers.hpp"

namespace wxlived::wechat {

using liveapi::QuotaInfo;
using liveapi::ReplayPage;
using liveapi::ReplaySegment;
using liveapi::RoomInfo;
using liveapi::RoomListPage;
using liveapi::TokenGrant;

}  // namespace wxlived::wechat
