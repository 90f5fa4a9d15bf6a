-- wrk script: each request GETs one of the paths given after "--", chosen at random.
init = function(args)
  paths = args
end

request = function()
  return wrk.format("GET", paths[math.random(#paths)])
end
