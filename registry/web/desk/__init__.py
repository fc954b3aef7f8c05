"""The organizations' desk: web forms for funders and overseers, behind a sign-in."""
