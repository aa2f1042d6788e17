from cinemesh.gateway.server import main

main()
