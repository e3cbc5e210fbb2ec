-- wrk script for run.sh: each request carries the next token of the pool (a file, one token a line), round
-- robin, so the checking gateway sees many distinct users instead of one cached token. Arguments after `--`:
-- the tokens file and a state file where each wrk run leaves its position and the next one resumes, so the
-- warm-up and the rounds do not start over at the first tokens (which the gateway would still remember).
-- One wrk thread (-t1), as run.sh uses.
local threads = {}
tokens = {}
next_index = 1
state_file = nil

function setup(thread)
  threads[#threads + 1] = thread
end

function init(args)
  for line in io.lines(args[1]) do
    if #line > 0 then tokens[#tokens + 1] = line end
  end
  if #tokens == 0 then error("no tokens in " .. tostring(args[1])) end
  state_file = args[2]
  local state = state_file and io.open(state_file, "r")
  if state then
    next_index = (tonumber(state:read("*l")) or 1)
    state:close()
    if next_index < 1 or next_index > #tokens then next_index = 1 end
  end
end

function request()
  local token = tokens[next_index]
  next_index = next_index % #tokens + 1
  return wrk.format(nil, nil, { Authorization = "Bearer " .. token })
end

function done(summary, latency, requests)
  local thread = threads[1]
  local path = thread and thread:get("state_file")
  if path then
    local state = assert(io.open(path, "w"))
    state:write(tostring(thread:get("next_index")), "\n")
    state:close()
  end
end
