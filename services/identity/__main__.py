from cinemesh.identity.server import main

main()
