-- Byte ranges of many chunks in one round trip (RedisReplayStore.read packs its arguments).
-- KEYS: the chunks. ARGV: per key, the first and the last byte (GETRANGE's end is inclusive).
local out = {}
for i = 1, #KEYS do
  out[i] = redis.call('GETRANGE', KEYS[i], ARGV[2 * i - 1], ARGV[2 * i])
end
return out
