from cinemesh.audio.server import main

main()
