-- One commit of the replay, applied whole or not at all (RedisReplayStore.commit packs its arguments).
--
-- KEYS: 1 the streams hash (name -> serial), 2 the next-sequence hash (serial -> next),
--       3 the inserted-steps counter, then one chunk key per append, then one per delete.
-- ARGV, read in this order:
--   header bytes of a chunk, appends, deletes, new streams, next sequences, inserted total;
--   per new stream: name, serial;
--   per next sequence: serial, next;
--   per append: the chunk's frame bytes before it, the byte offset of its first entry in the
--     header, its entries, its frames.
-- Returns 1 when applied, 0 when this very commit was applied before (a retry), and an error
-- naming the chunk when a chunk's length is not what the replay expects.
local position = 0
local function take()
  position = position + 1
  return ARGV[position]
end

local header_bytes = tonumber(take())
local append_count = tonumber(take())
local delete_count = tonumber(take())
local stream_count = tonumber(take())
local next_count = tonumber(take())
local inserted_total = take()

-- Pairs of arguments: { first, second } each.
local function take_pairs(count)
  local taken = {}
  for i = 1, count do
    local first = take()
    local second = take()
    taken[i] = { first, second }
  end
  return taken
end

local streams = take_pairs(stream_count) -- name, serial
local nexts = take_pairs(next_count) -- serial, next sequence

local appends = {}
for i = 1, append_count do
  local frames_before = tonumber(take())
  local entry_offset = tonumber(take())
  local entries = take()
  local frames = take()
  appends[i] = { key = KEYS[3 + i], frames_before = frames_before, entry_offset = entry_offset,
                 entries = entries, frames = frames }
end

for i, append in ipairs(appends) do
  local want = 0
  if append.frames_before > 0 then want = header_bytes + append.frames_before end
  local length = redis.call('STRLEN', append.key)
  if length ~= want then
    if i == 1 and length == header_bytes + append.frames_before + string.len(append.frames) then
      return 0
    end
    return redis.error_reply('CONFLICT ' .. append.key .. ' holds ' .. length .. ' bytes, expected ' .. want)
  end
end

for _, stream in ipairs(streams) do
  redis.call('HSET', KEYS[1], stream[1], stream[2])
end
for _, next_sequence in ipairs(nexts) do
  redis.call('HSET', KEYS[2], next_sequence[1], next_sequence[2])
end
for i = 1, delete_count do
  redis.call('DEL', KEYS[3 + append_count + i])
end
for _, append in ipairs(appends) do
  if redis.call('EXISTS', append.key) == 0 then
    redis.call('SET', append.key, string.rep('\0', header_bytes))
  end
  redis.call('SETRANGE', append.key, append.entry_offset, append.entries)
  redis.call('APPEND', append.key, append.frames)
end
redis.call('SET', KEYS[3], inserted_total)
return 1
