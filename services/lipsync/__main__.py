from cinemesh.lipsync.server import main

main()
