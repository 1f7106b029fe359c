#include "wxlived/scenario/listing.hpp"

#include <algorithm>

#include "wxlived/scenario/truth.hpp"

namespace wxlived::scenario {

bool listed(const Room& room, Seconds t) noexcept {
  return room.created_at <= t && (!room.deleted_at || t < *room.deleted_at);
}

const Room* find_room(const Scenario& s, std::int64_t roomid) noexcept {
  for (const Room& room : s.rooms) {
    if (room.roomid == roomid) return &room;
  }
  return nullptr;
}

std::string default_cover_img(std::int64_t roomid) {
  return "http://mmbiz.qpic.cn/mmbiz_jpg/fake" + std::to_string(roomid) + "/0?wx_fmt=jpeg";
}

ListPage list_page(const Scenario& s, Seconds t, std::int64_t start, std::int64_t limit) {
  std::vector<const Room*> visible;
  for (const Room& room : s.rooms) {
    if (listed(room, t)) visible.push_back(&room);
  }
  // WeChat's documented order; roomid breaks ties so pages never overlap.
  std::sort(visible.begin(), visible.end(), [](const Room* a, const Room* b) {
    if (a->start_time != b->start_time) return a->start_time > b->start_time;
    return a->roomid > b->roomid;
  });

  ListPage page;
  page.total = static_cast<std::int64_t>(visible.size());
  const std::int64_t first = std::max<std::int64_t>(start, 0);
  if (limit <= 0 || first >= page.total) return page;
  const std::int64_t last = first + std::min(limit, page.total - first);
  for (std::int64_t i = first; i < last; ++i) {
    const Room& room = *visible[static_cast<std::size_t>(i)];
    page.rooms.push_back(RoomListing{
        room.roomid,
        room.name,
        room.anchor_name,
        room.cover_img ? *room.cover_img : default_cover_img(room.roomid),
        s.origin_unix + room.start_time,
        s.origin_unix + room.end_time,
        status_at(room, s.abnormal_timeout_s, t),
        room.goods_json,
        room.spells_live_satus,
    });
  }
  return page;
}

}  // namespace wxlived::scenario
