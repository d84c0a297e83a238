from xlgl.cli import main

main()
