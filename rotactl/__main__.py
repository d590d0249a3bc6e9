from rotactl import main

main()
