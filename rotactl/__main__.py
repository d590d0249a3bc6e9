from rotactl.cli import main

main()
