from cinemesh.video.server import main

main()
