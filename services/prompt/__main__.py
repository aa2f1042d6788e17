from cinemesh.prompt.server import main

main()
